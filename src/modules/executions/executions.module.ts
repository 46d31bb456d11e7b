import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Clock } from 'src/common/clock';
import { EventStreamsModule } from 'src/common/streams/event-streams.module';
import { AuditModule } from 'src/modules/audit/audit.module';
import { GeneratorsModule } from 'src/modules/generators/generators.module';
import { OrganizationsModule } from 'src/modules/organizations/organizations.module';
import { RateLimitsModule } from 'src/modules/rate-limits/rate-limits.module';
import { SchedulesModule } from 'src/modules/schedules/schedules.module';
import { OutboxModule } from 'src/modules/outbox/outbox.module';
import { StorageModule } from 'src/modules/storage/storage.module';
import { MetricsCountersModule } from 'src/modules/metrics/metrics-counters.module';
import { DispatchRepository } from './dispatch/dispatch.repository';
import { GenerationDispatcher } from './dispatch/generation-dispatcher.service';
import { ReportExecution } from './entities/report-execution.entity';
import { ExecutionEventsService } from './execution-events.service';
import { ExecutionOutcomes } from './execution-outcomes.service';
import { ExecutionStateRepository } from './execution-state.repository';
import { ExecutionStatusStream } from './execution-status.stream';
import { ExecutionsRepository } from './executions.repository';
import { ExecutionsService } from './executions.service';
import { DownloadsService } from './downloads.service';
import { FilesController } from './files.controller';
import { ReportExecutionsController } from './report-executions.controller';
import { ScheduleExecutionsController } from './schedule-executions.controller';

@Module({
  imports: [
    TypeOrmModule.forFeature([ReportExecution]),
    SchedulesModule,
    GeneratorsModule,
    RateLimitsModule,
    AuditModule,
    StorageModule,
    OrganizationsModule,
    OutboxModule,
    MetricsCountersModule,
    EventStreamsModule,
  ],
  controllers: [ScheduleExecutionsController, ReportExecutionsController, FilesController],
  providers: [
    ExecutionsRepository,
    ExecutionStateRepository,
    ExecutionsService,
    DownloadsService,
    ExecutionEventsService,
    ExecutionStatusStream,
    ExecutionOutcomes,
    DispatchRepository,
    GenerationDispatcher,
    Clock,
  ],
  exports: [
    ExecutionsRepository,
    ExecutionStateRepository,
    ExecutionEventsService,
    ExecutionOutcomes,
    ExecutionsService,
    GenerationDispatcher,
    // The generation worker and the reconcilers count through it.
    MetricsCountersModule,
  ],
})
export class ExecutionsModule {}
