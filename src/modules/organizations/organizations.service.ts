import { Injectable } from '@nestjs/common';
import { Actor } from 'src/common/auth/actor';
import { NotFoundError, ValidationFailedError } from 'src/common/errors/domain-error';
import { ErrorCode } from 'src/common/errors/error-codes';
import { Paginated, paginated } from 'src/common/http/paginated-response.dto';
import { jsonEqual } from 'src/common/json-equal';
import { TransactionScope } from 'src/database/transaction-scope';
import { AuditService } from 'src/modules/audit/audit.service';
import { MemberDto } from './dto/member.dto';
import { OrganizationSettingsDto } from './dto/organization-settings.dto';
import { UpdateOrganizationSettingsDto } from './dto/update-organization-settings.dto';
import { Member } from './entities/member.entity';
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
    private readonly transactions: TransactionScope,
  ) {}

  async provisionMember(claims: MemberClaims): Promise<void> {
    const stored = await this.storedAccess(claims); // for the audit block below
    await this.organizations.provisionMember(claims);
    await this.auditProvisioning(claims, stored);
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
    const history = patch.history_days ?? before.history_days;
    const files = patch.retention_days ?? before.retention_days;
    if (history < files) {
      // A run leaving the history before its file would leave a file nothing points to.
      throw new ValidationFailedError(
        `history_days (${history}) must be at least retention_days (${files}): a run stays in the history as long as its file is kept`,
      );
    }
    const changed = Object.fromEntries(
      Object.entries(patch).map(([key, value]) => [
        key,
        { from: before[key as keyof Organization], to: value },
      ]),
    );
    const updated = await this.transactions.run(async () => {
      const saved = await this.organizations.updateSettings(actor.orgId, patch);
      await this.audit.record(actor, {
        action: 'settings.updated',
        resourceType: 'organization',
        resourceId: actor.orgId,
        details: changed,
      });
      return saved;
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

  // ---- Audit of provisioning: kept apart from the provisioning rules above. ----
  // A member's first token is `member.provisioned`; a returning member whose roles or
  // permissions differ from the stored ones is `member.roles_changed` (before/after). Keyed by
  // the member's row and its stored version, so parallel requests carrying the same news
  // record it once.

  private storedAccess(claims: MemberClaims): Promise<Member | null> {
    return this.members.findByUserId(claims.orgId, claims.userId);
  }

  private async auditProvisioning(claims: MemberClaims, stored: Member | null): Promise<void> {
    const after = { roles: [...claims.roles].sort(), permissions: [...claims.permissions].sort() };
    if (stored && jsonEqual(accessOf(stored), after)) return;
    const member = stored ?? (await this.storedAccess(claims));
    if (!member) return;
    const actor = {
      userId: claims.userId,
      orgId: claims.orgId,
      roles: claims.roles,
      permissions: claims.permissions,
    };
    if (!stored) {
      await this.audit.recordOnce(
        actor,
        {
          action: 'member.provisioned',
          resourceType: 'member',
          resourceId: member.id,
          details: { ...after, email: member.email, display_name: member.name },
        },
        `member.provisioned:${member.id}`,
      );
      return;
    }
    await this.audit.recordOnce(
      actor,
      {
        action: 'member.roles_changed',
        resourceType: 'member',
        resourceId: member.id,
        details: { before: accessOf(stored), after },
      },
      `member.roles_changed:${member.id}:${stored.updated_at.toISOString()}:${JSON.stringify(after)}`,
    );
  }
}

function accessOf(member: Member): { roles: string[]; permissions: string[] } {
  return { roles: [...member.roles].sort(), permissions: [...member.permissions].sort() };
}
