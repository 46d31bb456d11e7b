import { Module } from '@nestjs/common';
import { DomainEventBus } from './domain-event-bus';
import { OutboxRepository } from './outbox.repository';

/** Domain events through a transactional outbox (one instance per process, like every module). */
@Module({
  providers: [OutboxRepository, DomainEventBus],
  exports: [OutboxRepository, DomainEventBus],
})
export class OutboxModule {}
