import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { DomainError } from 'src/common/errors/domain-error';
import { managerOf } from 'src/database/transaction-scope';
import { ErrorCode } from 'src/common/errors/error-codes';
import { EventRef, OutboxRepository } from 'src/modules/outbox/outbox.repository';
import { Organization } from './entities/organization.entity';
import { MemberDeactivated } from './member.events';
import { MemberClaims } from './token-claims';

/** Settings a caller may read and change. */
export type OrganizationSettings = Pick<
  Organization,
  | 'allowed_email_domains'
  | 'max_active_schedules'
  | 'max_recipients'
  | 'run_now_per_hour'
  | 'retention_days'
  | 'history_days'
  | 'audit_retention_days'
  | 'max_concurrent_generations'
  | 'overlap_policy'
  | 'attachment_limit_bytes'
  | 'link_ttl_hours'
  | 'email_budget_per_day'
  | 'brand_name'
>;

/** The only code touching `organizations` and `members` rows; everything is keyed by org id. */
@Injectable()
export class OrganizationsRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly outbox: OutboxRepository,
  ) {}

  /**
   * Just-in-time provisioning in one round trip: creates the organization on first sight
   * and upserts the member from the token's claims (roles may change at the IdP). A member an
   * admin deactivated stays so for tokens issued before the deactivation (refused: 401, so the
   * token cannot re-provision them); a token issued after it (the IdP let them back in)
   * reactivates the member.
   */
  async provisionMember(claims: MemberClaims): Promise<void> {
    const rows: unknown[] = await this.dataSource.query(
      `WITH org AS (
         INSERT INTO organizations (id, name) VALUES ($1::uuid, $1::uuid::text)
         ON CONFLICT (id) DO NOTHING
       )
       INSERT INTO members (organization_id, user_id, email, name, roles, permissions, is_active, last_seen_at)
       VALUES ($1, $2, $3, $4, $5, $6, true, now())
       ON CONFLICT (organization_id, user_id) DO UPDATE
         SET email = EXCLUDED.email, name = EXCLUDED.name, roles = EXCLUDED.roles,
             permissions = EXCLUDED.permissions, is_active = true, deactivated_at = NULL,
             last_seen_at = now(),
             updated_at = CASE
               WHEN (members.email, members.name, members.roles, members.permissions, members.is_active)
                 IS DISTINCT FROM (EXCLUDED.email, EXCLUDED.name, EXCLUDED.roles, EXCLUDED.permissions, true)
               THEN now() ELSE members.updated_at END
         WHERE members.deactivated_at IS NULL OR members.deactivated_at < $7
       RETURNING 1`,
      [
        claims.orgId,
        claims.userId,
        claims.email?.toLowerCase() ?? null,
        claims.name ?? null,
        claims.roles,
        claims.permissions,
        claims.issuedAt,
      ],
    );
    if (rows.length === 0) {
      throw new DomainError(
        ErrorCode.UNAUTHENTICATED,
        'this member was deactivated after the token was issued; sign in again',
      );
    }
  }

  /**
   * Deactivates a member (and with `erase` drops their name and address) in one transaction
   * with its `member.deactivated` event; the event only the first time. Null when no such member.
   */
  async deactivateMember(
    orgId: string,
    memberId: string,
    erase: boolean,
    hooks: {
      /** Throws to refuse, inside the transaction, before anything changes. */
      check: (member: { user_id: string }) => void;
      /** Records the change in the same transaction (its audit entry), the first time only. */
      record: (manager: EntityManager, member: { user_id: string }) => Promise<void>;
    },
  ): Promise<{ userId: string; email: string | null; event: EventRef | null } | null> {
    return this.dataSource.transaction(async (manager) => {
      const [member]: { user_id: string; email: string | null; deactivated_at: Date | null }[] =
        await manager.query(
          `SELECT user_id, email, deactivated_at FROM members
            WHERE id = $1 AND organization_id = $2 FOR UPDATE`,
          [memberId, orgId],
        );
      if (!member) return null;
      hooks.check(member);
      await manager.query(
        `UPDATE members
            SET is_active = false, deactivated_at = COALESCE(deactivated_at, now()),
                email = CASE WHEN $3 THEN NULL ELSE email END,
                name = CASE WHEN $3 THEN NULL ELSE name END, updated_at = now()
          WHERE id = $1 AND organization_id = $2`,
        [memberId, orgId, erase],
      );
      if (member.deactivated_at)
        return { userId: member.user_id, email: member.email, event: null };
      const payload: MemberDeactivated = {
        member_id: memberId,
        user_id: member.user_id,
        email: member.email,
      };
      const event = await this.outbox.append(manager, {
        orgId,
        type: 'member.deactivated',
        subjectId: memberId,
        payload,
      });
      await hooks.record(manager, member);
      return { userId: member.user_id, email: member.email, event };
    });
  }

  async findSettings(orgId: string): Promise<Organization | null> {
    return this.dataSource.getRepository(Organization).findOne({ where: { id: orgId } });
  }

  async updateSettings(orgId: string, patch: Partial<OrganizationSettings>): Promise<Organization> {
    const repository = managerOf(this.dataSource).getRepository(Organization);
    await repository.update({ id: orgId }, patch);
    return repository.findOneOrFail({ where: { id: orgId } });
  }
}
