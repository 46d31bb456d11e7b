import { Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { Clock } from 'src/common/clock';
import { DatabaseClock } from 'src/database/database-now';
import { AuditModule } from 'src/modules/audit/audit.module';
import { DeliveryReconcilerService } from 'src/modules/delivery/delivery-reconciler.service';
import { DeliveryModule } from 'src/modules/delivery/delivery.module';
import { ExecutionsModule } from 'src/modules/executions/executions.module';
import { MetricsCountersModule } from 'src/modules/metrics/metrics-counters.module';
import { OutboxRelayService } from 'src/modules/outbox/outbox-relay.service';
import { OutboxModule } from 'src/modules/outbox/outbox.module';
import { StorageModule } from 'src/modules/storage/storage.module';
import { ExecutionReconcilerService } from './execution-reconciler.service';
import { GenerationDispatchPass } from './generation-dispatch.pass';
import { HistoryRetentionService } from './history-retention.service';
import { RetentionService } from './retention.service';
import { SchedulerRepository } from './scheduler.repository';
import { SchedulerService } from './scheduler.service';
import { StorageSweeperService } from './storage-sweeper.service';
import { TzdataRepository } from './tzdata.repository';
import { TzdataSyncService } from './tzdata-sync.service';

/**
 * The background loops (APP_ROLE scheduler or all): the due-schedule tick, the fair-share
 * generation dispatch, the reconcilers that
 * bring back what the queues or a dead process lost (executions, deliveries, outbox events), file
 * retention, history retention and the sweep of stored files nothing references.
 */
@Module({
  imports: [
    ScheduleModule.forRoot(),
    ExecutionsModule,
    StorageModule,
    DeliveryModule,
    OutboxModule,
    AuditModule,
    MetricsCountersModule,
  ],
  providers: [
    SchedulerService,
    SchedulerRepository,
    GenerationDispatchPass,
    ExecutionReconcilerService,
    DeliveryReconcilerService,
    OutboxRelayService,
    RetentionService,
    HistoryRetentionService,
    StorageSweeperService,
    TzdataSyncService,
    TzdataRepository,
    Clock,
    DatabaseClock,
  ],
  exports: [
    SchedulerService,
    ExecutionReconcilerService,
    DeliveryReconcilerService,
    OutboxRelayService,
    RetentionService,
    HistoryRetentionService,
    StorageSweeperService,
  ],
})
export class SchedulerModule {}
