import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { nextRuns } from 'src/modules/schedules/calendar/schedule-calculator';
import type { ScheduleConfig } from 'src/modules/schedules/calendar/schedule-config';
import { TEST_DATABASE_URL } from './test-env';

export interface LedgerRow {
  scheduled_report_id: string;
  scheduled_for: Date;
  slot_local: string;
  slot_fold: number;
  created_at: Date;
}

/**
 * Schedules written straight to the table with a given pending slot, and what the scheduler
 * made of them, read back for the ledger assertions of the scheduler fault tests.
 */
export class SlotLedger {
  readonly pool = new Pool({ connectionString: TEST_DATABASE_URL, max: 2 });
  readonly orgId = randomUUID();

  async createOrg(): Promise<void> {
    await this.pool.query(
      `INSERT INTO organizations (id, name, allowed_email_domains) VALUES ($1, $2, '{acme.example}')`,
      [this.orgId, `Faults ${this.orgId.slice(0, 8)}`],
    );
  }

  /** `count` active schedules whose pending slot is the first run of `config` after `after`. */
  async addSchedules(config: ScheduleConfig, after: Date, count: number): Promise<string[]> {
    const [slot] = nextRuns(config, after, 1);
    const { rows } = await this.pool.query(
      `INSERT INTO scheduled_reports (organization_id, created_by, name, report_type, schedule_config,
                                      recipients, output_format, next_run_at, next_slot_local, next_slot_fold)
       SELECT $1, 'fault-test', 'Slot ' || n, 'invoice_summary', $2, '[]', 'csv', $3, $4, $5
         FROM generate_series(1, $6) AS n
       RETURNING id`,
      [this.orgId, config, slot.at, slot.slot.local, slot.slot.fold, count],
    );
    return rows.map((r: { id: string }) => r.id);
  }

  /** Every scheduled execution of the org, by schedule then slot. */
  async executions(): Promise<LedgerRow[]> {
    const { rows } = await this.pool.query(
      `SELECT scheduled_report_id, scheduled_for, slot_local, slot_fold, created_at
         FROM report_executions
        WHERE organization_id = $1 AND trigger = 'schedule'
        ORDER BY scheduled_report_id, scheduled_for`,
      [this.orgId],
    );
    return rows;
  }

  async skippedSlotEntries(): Promise<number> {
    const { rows } = await this.pool.query(
      `SELECT count(*)::int AS n FROM audit_logs
        WHERE organization_id = $1 AND action = 'schedule.slots_skipped'`,
      [this.orgId],
    );
    return rows[0].n;
  }

  async nextRuns(): Promise<Map<string, { at: Date; local: string | null }>> {
    const { rows } = await this.pool.query(
      `SELECT id, next_run_at, next_slot_local FROM scheduled_reports WHERE organization_id = $1`,
      [this.orgId],
    );
    return new Map(
      rows.map((r: { id: string; next_run_at: Date; next_slot_local: string | null }) => [
        r.id,
        { at: r.next_run_at, local: r.next_slot_local },
      ]),
    );
  }

  async databaseNow(): Promise<Date> {
    const { rows } = await this.pool.query(`SELECT now() AS now`);
    return rows[0].now;
  }

  /** Stops the org's schedules and settles its runs, so later tests' processes leave them be. */
  async close(): Promise<void> {
    await this.pool.query(
      `UPDATE scheduled_reports SET status = 'paused', next_run_at = NULL, next_slot_local = NULL,
              next_slot_fold = NULL WHERE organization_id = $1`,
      [this.orgId],
    );
    await this.pool.query(
      `UPDATE report_executions SET status = 'failed', error_message = 'fault test over'
        WHERE organization_id = $1 AND status IN ('pending', 'running')`,
      [this.orgId],
    );
    await this.pool.end();
  }
}
