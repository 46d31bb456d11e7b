import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

/** The tables whose rows a list of schedules shows: a schedule, its last run, its deliveries. */
const WATCHED = ['scheduled_reports', 'report_executions', 'report_deliveries'] as const;

/**
 * A fingerprint of what a list of an organization's schedules shows: it differs whenever a
 * schedule, a run or a delivery of the organization was created, changed or deleted. Per table,
 * the last `updated_at` (every write sets it, soft deletes too) and how many rows changed in the
 * minute before it: `updated_at` is its transaction's start, so a slow transaction can commit a
 * time older than the last one seen, and the count still moves. The window hangs on the last
 * change, not on the clock, so time passing alone changes nothing. Read from (organization_id,
 * updated_at) indexes: a few index entries, however long the history.
 */
@Injectable()
export class ScheduleChangesRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async fingerprint(orgId: string): Promise<string> {
    const parts = WATCHED.map(
      (table) =>
        `(SELECT max(updated_at)::text FROM ${table} WHERE organization_id = $1),
         (SELECT count(*)::text FROM ${table}
           WHERE organization_id = $1
             AND updated_at >= (SELECT max(updated_at) FROM ${table} WHERE organization_id = $1)
                               - interval '1 minute')`,
    );
    const [row]: { fingerprint: string }[] = await this.dataSource.query(
      `SELECT concat_ws('|', ${parts.join(', ')}) AS fingerprint`,
      [orgId],
    );
    return row.fingerprint;
  }
}
