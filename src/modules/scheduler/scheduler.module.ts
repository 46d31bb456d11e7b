import { Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { Clock } from 'src/common/clock';
import { ExecutionsModule } from 'src/modules/executions/executions.module';
import { StorageModule } from 'src/modules/storage/storage.module';
import { ExecutionReconcilerService } from './execution-reconciler.service';
import { RetentionService } from './retention.service';
import { SchedulerRepository } from './scheduler.repository';
import { SchedulerService } from './scheduler.service';

/** The due-schedule scanner, the outbox reconciler and file retention (APP_ROLE scheduler or all). */
@Module({
  imports: [ScheduleModule.forRoot(), ExecutionsModule, StorageModule],
  providers: [
    SchedulerService,
    SchedulerRepository,
    ExecutionReconcilerService,
    RetentionService,
    Clock,
  ],
  exports: [SchedulerService, ExecutionReconcilerService, RetentionService],
})
export class SchedulerModule {}
