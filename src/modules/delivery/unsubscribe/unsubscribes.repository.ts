import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { managerOf } from 'src/database/transaction-scope';
import type { UnsubscribeGrant } from './unsubscribe-token.signer';

/** `unsubscribes`: who opted out of which schedule. */
@Injectable()
export class UnsubscribesRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Records the opt-out; true when it is new, false when it was already there or the schedule is gone. */
  async add(grant: UnsubscribeGrant): Promise<boolean> {
    const rows: unknown[] = await managerOf(this.dataSource).query(
      `INSERT INTO unsubscribes (organization_id, scheduled_report_id, recipient_type, recipient_value)
       SELECT $1, id, $3, $4 FROM scheduled_reports WHERE id = $2 AND organization_id = $1
       ON CONFLICT ON CONSTRAINT unsubscribes_recipient_key DO NOTHING
       RETURNING id`,
      [grant.orgId, grant.scheduleId, grant.recipientType, grant.recipientValue],
    );
    return rows.length === 1;
  }

  async isUnsubscribed(grant: UnsubscribeGrant): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(
      `SELECT 1 FROM unsubscribes
        WHERE organization_id = $1 AND scheduled_report_id = $2
          AND recipient_type = $3 AND recipient_value = $4`,
      [grant.orgId, grant.scheduleId, grant.recipientType, grant.recipientValue],
    );
    return rows.length > 0;
  }
}
