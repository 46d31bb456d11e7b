import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Clock } from 'src/common/clock';
import { AuditModule } from 'src/modules/audit/audit.module';
import { GeneratorsModule } from 'src/modules/generators/generators.module';
import { OrganizationsModule } from 'src/modules/organizations/organizations.module';
import { ScheduledReport } from './entities/scheduled-report.entity';
import { RecipientsValidator } from './recipients.validator';
import { ScheduleAccessPolicy } from './schedule-access.policy';
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
  ],
  controllers: [ScheduledReportsController],
  providers: [
    SchedulesRepository,
    SchedulesService,
    ScheduleInputValidator,
    RecipientsValidator,
    ScheduleAccessPolicy,
    Clock,
  ],
  exports: [SchedulesService, SchedulesRepository, ScheduleAccessPolicy],
})
export class SchedulesModule {}
