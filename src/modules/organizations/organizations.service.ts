import { Injectable } from '@nestjs/common';
import { Actor } from 'src/common/auth/actor';
import { NotFoundError } from 'src/common/errors/domain-error';
import { ErrorCode } from 'src/common/errors/error-codes';
import { Paginated, paginated } from 'src/common/http/paginated-response.dto';
import { AuditService } from 'src/modules/audit/audit.service';
import { MemberDto } from './dto/member.dto';
import { OrganizationSettingsDto } from './dto/organization-settings.dto';
import { UpdateOrganizationSettingsDto } from './dto/update-organization-settings.dto';
import { Organization } from './entities/organization.entity';
import { toMemberDto } from './member.mapper';
import { MembersRepository } from './members.repository';
import { toOrganizationSettingsDto } from './organization-settings.mapper';
import { OrganizationsRepository } from './organizations.repository';
import { MemberClaims } from './token-claims';

/** Members and settings of the caller's organization. */
@Injectable()
export class OrganizationsService {
  constructor(
    private readonly organizations: OrganizationsRepository,
    private readonly members: MembersRepository,
    private readonly audit: AuditService,
  ) {}

  provisionMember(claims: MemberClaims): Promise<void> {
    return this.organizations.provisionMember(claims);
  }

  /** The organization row; it exists once any member has authenticated. */
  async getOrganization(orgId: string): Promise<Organization> {
    const org = await this.organizations.findSettings(orgId);
    if (!org) throw new NotFoundError(ErrorCode.NOT_FOUND, `organization ${orgId} not found`);
    return org;
  }

  async getSettings(actor: Actor): Promise<OrganizationSettingsDto> {
    return toOrganizationSettingsDto(await this.getOrganization(actor.orgId));
  }

  async updateSettings(
    actor: Actor,
    patch: UpdateOrganizationSettingsDto,
  ): Promise<OrganizationSettingsDto> {
    const before = await this.getOrganization(actor.orgId);
    const updated = await this.organizations.updateSettings(actor.orgId, patch);
    const changed = Object.fromEntries(
      Object.entries(patch).map(([key, value]) => [
        key,
        { from: before[key as keyof Organization], to: value },
      ]),
    );
    await this.audit.record(actor, {
      action: 'settings.updated',
      resourceType: 'organization',
      resourceId: actor.orgId,
      details: changed,
    });
    return toOrganizationSettingsDto(updated);
  }

  async listMembers(
    actor: Actor,
    page: number,
    limit: number,
    q?: string,
  ): Promise<Paginated<MemberDto>> {
    const { rows, total } = await this.members.list(actor.orgId, page, limit, q);
    return paginated(rows.map(toMemberDto), page, limit, total);
  }
}
