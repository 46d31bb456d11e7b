import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { managerOf } from 'src/database/transaction-scope';
import { Organization } from './entities/organization.entity';

/**
 * Writes the organization's sealed integration secrets; every method is keyed by org id, and
 * joins the caller's TransactionScope, so a change commits with its audit entry.
 */
@Injectable()
export class IntegrationsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Sets (or clears, with null) the sealed Slack token; false when the org does not exist. */
  async setSlackToken(orgId: string, sealed: string | null): Promise<boolean> {
    const result = await managerOf(this.dataSource)
      .getRepository(Organization)
      .update({ id: orgId }, { slack_bot_token_encrypted: sealed });
    return (result.affected ?? 0) > 0;
  }

  /**
   * Makes `sealed` the current webhook secret and the old current one the previous, in one
   * statement: two admins rotating at once each move the secret they replaced, none is lost
   * half-way. Null when the org does not exist.
   */
  async rotateWebhookSecret(
    orgId: string,
    sealed: string,
    rotatedAt: Date,
  ): Promise<{ hasPrevious: boolean } | null> {
    const rows = (await managerOf(this.dataSource).query(
      `UPDATE organizations
          SET webhook_secret_previous = webhook_secret,
              webhook_secret = $2,
              webhook_secret_rotated_at = $3,
              updated_at = now()
        WHERE id = $1
    RETURNING webhook_secret_previous IS NOT NULL AS has_previous`,
      [orgId, sealed, rotatedAt],
    )) as [Array<{ has_previous: boolean }>, number];
    const updated = rows[0];
    return updated.length > 0 ? { hasPrevious: updated[0].has_previous } : null;
  }
}
