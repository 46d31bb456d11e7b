import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from 'src/modules/audit/audit.module';
import { AdminSettingsController } from './admin-settings.controller';
import { Member } from './entities/member.entity';
import { Organization } from './entities/organization.entity';
import { MembersController } from './members.controller';
import { MembersRepository } from './members.repository';
import { OrganizationSecretsService } from './organization-secrets.service';
import { OrganizationsRepository } from './organizations.repository';
import { OrganizationsService } from './organizations.service';

@Module({
  imports: [TypeOrmModule.forFeature([Organization, Member]), AuditModule],
  controllers: [MembersController, AdminSettingsController],
  providers: [
    OrganizationsRepository,
    MembersRepository,
    OrganizationsService,
    OrganizationSecretsService,
  ],
  exports: [OrganizationsService, MembersRepository, OrganizationSecretsService],
})
export class OrganizationsModule {}
