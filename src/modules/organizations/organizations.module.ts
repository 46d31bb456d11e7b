import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Clock } from 'src/common/clock';
import { AuditModule } from 'src/modules/audit/audit.module';
import { OutboxModule } from 'src/modules/outbox/outbox.module';
import { AdminIntegrationsController } from './admin-integrations.controller';
import { AdminMembersController } from './admin-members.controller';
import { AdminSettingsController } from './admin-settings.controller';
import { Member } from './entities/member.entity';
import { Organization } from './entities/organization.entity';
import { IntegrationsRepository } from './integrations.repository';
import { IntegrationsService } from './integrations.service';
import { MemberLifecycleService } from './member-lifecycle.service';
import { MembersController } from './members.controller';
import { MembersRepository } from './members.repository';
import { OrganizationSecretsService } from './organization-secrets.service';
import { OrganizationsRepository } from './organizations.repository';
import { OrganizationsService } from './organizations.service';

@Module({
  imports: [TypeOrmModule.forFeature([Organization, Member]), AuditModule, OutboxModule],
  controllers: [
    MembersController,
    AdminSettingsController,
    AdminIntegrationsController,
    AdminMembersController,
  ],
  providers: [
    OrganizationsRepository,
    MembersRepository,
    OrganizationsService,
    OrganizationSecretsService,
    IntegrationsRepository,
    IntegrationsService,
    MemberLifecycleService,
    Clock,
  ],
  exports: [OrganizationsService, MembersRepository, OrganizationSecretsService],
})
export class OrganizationsModule {}
