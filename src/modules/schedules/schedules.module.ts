import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Clock } from 'src/common/clock';
import { EventStreamsModule } from 'src/common/streams/event-streams.module';
import { AuditModule } from 'src/modules/audit/audit.module';
import { GeneratorsModule } from 'src/modules/generators/generators.module';
import { OrganizationsModule } from 'src/modules/organizations/organizations.module';
import { OutboxModule } from 'src/modules/outbox/outbox.module';
import { ScheduledReport } from './entities/scheduled-report.entity';
import { HolidayCalendarsController } from './holiday-calendars.controller';
import { LastExecutionsRepository } from './last-executions.repository';
import { MemberDeparturesService } from './member-departures.service';
import { RecipientsValidator } from './recipients.validator';
import { ScheduleAccessPolicy } from './schedule-access.policy';
import { ScheduleChangesRepository } from './schedule-changes.repository';
import { ScheduleChangesStream } from './schedule-changes.stream';
import { ScheduleRecipientsRepository } from './schedule-recipients.repository';
import { ScheduleInputValidator } from './schedule-input.validator';
import { ScheduledReportsController } from './scheduled-reports.controller';
import { SchedulesRepository } from './schedules.repository';
import { SchedulesService } from './schedules.service';

@Module({
  imports: [
    TypeOrmModule.forFeature([ScheduledReport]),
    OrganizationsModule,
    GeneratorsModule,
    AuditModule,
    OutboxModule,
    EventStreamsModule,
  ],
  controllers: [ScheduledReportsController, HolidayCalendarsController],
  providers: [
    SchedulesRepository,
    LastExecutionsRepository,
    ScheduleChangesRepository,
    ScheduleChangesStream,
    SchedulesService,
    ScheduleInputValidator,
    RecipientsValidator,
    ScheduleAccessPolicy,
    ScheduleRecipientsRepository,
    MemberDeparturesService,
    Clock,
  ],
  exports: [SchedulesService, SchedulesRepository, ScheduleAccessPolicy],
})
export class SchedulesModule {}
