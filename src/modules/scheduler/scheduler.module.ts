import { Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { Clock } from 'src/common/clock';
import { DeliveryReconcilerService } from 'src/modules/delivery/delivery-reconciler.service';
import { DeliveryModule } from 'src/modules/delivery/delivery.module';
import { ExecutionsModule } from 'src/modules/executions/executions.module';
import { StorageModule } from 'src/modules/storage/storage.module';
import { ExecutionReconcilerService } from './execution-reconciler.service';
import { RetentionService } from './retention.service';
import { SchedulerRepository } from './scheduler.repository';
import { SchedulerService } from './scheduler.service';

/** The due-schedule scanner, the outbox reconciler and file retention (APP_ROLE scheduler or all). */
@Module({
  imports: [ScheduleModule.forRoot(), ExecutionsModule, StorageModule, DeliveryModule],
  providers: [
    SchedulerService,
    SchedulerRepository,
    ExecutionReconcilerService,
    DeliveryReconcilerService,
    RetentionService,
    Clock,
  ],
  exports: [
    SchedulerService,
    ExecutionReconcilerService,
    DeliveryReconcilerService,
    RetentionService,
  ],
})
export class SchedulerModule {}
