import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Organization } from './entities/organization.entity';
import { MemberClaims } from './token-claims';

/** Settings a caller may read and change. */
export type OrganizationSettings = Pick<
  Organization,
  | 'allowed_email_domains'
  | 'max_active_schedules'
  | 'max_recipients'
  | 'run_now_per_hour'
  | 'retention_days'
  | 'attachment_limit_bytes'
  | 'link_ttl_hours'
  | 'brand_name'
>;

/** The only code touching `organizations` and `members` rows; everything is keyed by org id. */
@Injectable()
export class OrganizationsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Just-in-time provisioning in one round trip: creates the organization on first sight
   * and upserts the member from the token's claims (roles may change at the IdP).
   */
  async provisionMember(claims: MemberClaims): Promise<void> {
    await this.dataSource.query(
      `WITH org AS (
         INSERT INTO organizations (id, name) VALUES ($1::uuid, $1::uuid::text)
         ON CONFLICT (id) DO NOTHING
       )
       INSERT INTO members (organization_id, user_id, email, name, roles, permissions, is_active, last_seen_at)
       VALUES ($1, $2, $3, $4, $5, $6, true, now())
       ON CONFLICT (organization_id, user_id) DO UPDATE
         SET email = EXCLUDED.email, name = EXCLUDED.name, roles = EXCLUDED.roles,
             permissions = EXCLUDED.permissions, is_active = true, last_seen_at = now(),
             updated_at = CASE
               WHEN (members.email, members.name, members.roles, members.permissions, members.is_active)
                 IS DISTINCT FROM (EXCLUDED.email, EXCLUDED.name, EXCLUDED.roles, EXCLUDED.permissions, true)
               THEN now() ELSE members.updated_at END`,
      [
        claims.orgId,
        claims.userId,
        claims.email?.toLowerCase() ?? null,
        claims.name ?? null,
        claims.roles,
        claims.permissions,
      ],
    );
  }

  async findSettings(orgId: string): Promise<Organization | null> {
    return this.dataSource.getRepository(Organization).findOne({ where: { id: orgId } });
  }

  async updateSettings(orgId: string, patch: Partial<OrganizationSettings>): Promise<Organization> {
    const repository = this.dataSource.getRepository(Organization);
    await repository.update({ id: orgId }, patch);
    return repository.findOneOrFail({ where: { id: orgId } });
  }
}
