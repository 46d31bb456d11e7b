import { Module } from '@nestjs/common';
import { AuditModule } from 'src/modules/audit/audit.module';
import { MemberDataController } from './member-data.controller';
import { MemberDataRepository } from './member-data.repository';
import { MemberDataService } from './member-data.service';

/** Data-subject requests: what the service holds about a member, across every module's tables. */
@Module({
  imports: [AuditModule],
  controllers: [MemberDataController],
  providers: [MemberDataRepository, MemberDataService],
})
export class PrivacyModule {}
