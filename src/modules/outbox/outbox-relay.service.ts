import { Injectable, Logger } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { BackgroundPass } from 'src/common/background-pass';
import { DatabaseClock } from 'src/database/database-now';
import { DomainEventBus } from './domain-event-bus';
import { OutboxRepository } from './outbox.repository';

/** Publishers dispatch their own events right after commit; this only picks up what they left. */
const GRACE_MS = 10_000;
const BATCH = 500;

/**
 * The outbox's other half (scheduler role): dispatches events whose publisher died between its
 * commit and the dispatch, and retries events a subscriber failed on, after their backoff.
 */
@Injectable()
export class OutboxRelayService {
  private readonly pass = new BackgroundPass<number>(
    new Logger(OutboxRelayService.name),
    'outbox relay',
    (dispatched) => (dispatched > 0 ? `dispatched ${dispatched} stranded event(s)` : null),
  );

  constructor(
    private readonly outbox: OutboxRepository,
    private readonly bus: DomainEventBus,
    private readonly clock: DatabaseClock,
  ) {}

  @Interval('outbox-relay', 5_000)
  onInterval(): Promise<void> {
    return this.pass.run(() => this.relay());
  }

  /** One pass; how many events it dispatched. */
  async relay(): Promise<number> {
    const before = new Date((await this.clock.now()).getTime() - GRACE_MS);
    return this.bus.dispatch(await this.outbox.findStranded(before, BATCH));
  }
}
