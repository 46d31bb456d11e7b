import { Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { Clock } from 'src/common/clock';
import { ExecutionsModule } from 'src/modules/executions/executions.module';
import { ExecutionReconcilerService } from './execution-reconciler.service';
import { SchedulerRepository } from './scheduler.repository';
import { SchedulerService } from './scheduler.service';

/** The due-schedule scanner and the outbox reconciler (APP_ROLE scheduler or all). */
@Module({
  imports: [ScheduleModule.forRoot(), ExecutionsModule],
  providers: [SchedulerService, SchedulerRepository, ExecutionReconcilerService, Clock],
  exports: [SchedulerService, ExecutionReconcilerService],
})
export class SchedulerModule {}
