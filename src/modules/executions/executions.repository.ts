import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { managerOf } from 'src/database/transaction-scope';
import { DataSource, In, LessThan, MoreThan, Raw } from 'typeorm';
import { ExecutionStatus } from 'src/domain/vocabulary';
import { ReportExecution } from './entities/report-execution.entity';

export interface NewManualExecution {
  scheduleId: string;
  scheduledFor: Date;
  requestedBy: string;
  metadata: Record<string, unknown>;
}

/** The only code touching `report_executions`; every method is scoped by organization. */
@Injectable()
export class ExecutionsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Joins the caller's TransactionScope, if any (a run created with its audit entry). */
  private get repo() {
    return managerOf(this.dataSource).getRepository(ReportExecution);
  }

  findOne(orgId: string, id: string): Promise<ReportExecution | null> {
    return this.repo.findOne({ where: { id, organization_id: orgId } });
  }

  async listForSchedule(orgId: string, scheduleId: string, page: number, limit: number) {
    const [rows, total] = await this.repo.findAndCount({
      where: { organization_id: orgId, scheduled_report_id: scheduleId },
      order: { created_at: 'DESC', id: 'DESC' },
      skip: (page - 1) * limit,
      take: limit,
    });
    return { rows, total };
  }

  /**
   * Creates a manual run, or returns the one already pending or running for the schedule
   * (a partial unique index allows only one in flight, so concurrent clicks agree).
   */
  async createManualOrGetInFlight(
    orgId: string,
    input: NewManualExecution,
  ): Promise<{ execution: ReportExecution; created: boolean }> {
    const inserted: { id: string }[] = await managerOf(this.dataSource).query(
      // Dispatched at creation: run-now does not wait its organization's turn (it is bounded by
      // run_now_per_hour and one in flight per schedule) but holds one of its slots while it runs.
      `INSERT INTO report_executions (organization_id, scheduled_report_id, trigger, scheduled_for, status, requested_by, metadata, dispatched_at)
       VALUES ($1, $2, 'manual', $3, 'pending', $4, $5, now())
       ON CONFLICT (scheduled_report_id) WHERE "trigger" = 'manual' AND "status" IN ('pending', 'running')
       DO NOTHING
       RETURNING id`,
      [
        orgId,
        input.scheduleId,
        input.scheduledFor,
        input.requestedBy,
        JSON.stringify(input.metadata),
      ],
    );
    const execution = inserted[0]
      ? await this.repo.findOneOrFail({ where: { id: inserted[0].id, organization_id: orgId } })
      : await this.repo.findOne({
          where: {
            organization_id: orgId,
            scheduled_report_id: input.scheduleId,
            trigger: 'manual',
            status: In(['pending', 'running'] as ExecutionStatus[]),
          },
        });
    if (!execution) {
      // The in-flight run finished between our insert and read: try once more.
      return this.createManualOrGetInFlight(orgId, input);
    }
    return { execution, created: inserted.length === 1 };
  }

  /**
   * Files past their organization's `retention_days`, across organizations: the one query
   * that is not scoped to an org, because the retention job serves all of them.
   */
  findFilesPastRetention(
    now: Date,
    limit: number,
  ): Promise<{ id: string; organization_id: string; file_key: string }[]> {
    // Per organization through the stored-files index: a join over all runs scanned the table.
    return this.dataSource.query(
      `SELECT e.id, e.organization_id, e.file_key
         FROM organizations o
         CROSS JOIN LATERAL (
           SELECT id, organization_id, file_key
             FROM report_executions e
            WHERE e.organization_id = o.id AND e.file_key IS NOT NULL
              AND e.file_expired_at IS NULL AND e.status = 'completed'
              AND e.completed_at < $1::timestamptz - make_interval(days => o.retention_days)
            ORDER BY e.completed_at
            LIMIT $2) e
        LIMIT $2`,
      [now, limit],
    );
  }

  /** Which of `keys` some execution still names as its file (whatever its state). */
  async findReferencedFileKeys(keys: string[]): Promise<string[]> {
    const rows: { file_key: string }[] = await this.dataSource.query(
      `SELECT DISTINCT file_key FROM report_executions WHERE file_key = ANY($1::text[])`,
      [keys],
    );
    return rows.map((r) => r.file_key);
  }

  async markFileExpired(orgId: string, id: string, at: Date): Promise<void> {
    await this.repo.update({ id, organization_id: orgId }, { file_expired_at: at });
  }

  /**
   * Revokes the execution's signed links issued up to `at`; a revocation never moves back (two
   * processes' clocks may differ). The stored instant, or null when no such execution.
   */
  async revokeLinks(orgId: string, id: string, at: Date): Promise<Date | null> {
    const rows: [{ links_revoked_at: Date }[], number] = await managerOf(this.dataSource).query(
      `UPDATE report_executions
          SET links_revoked_at = GREATEST(links_revoked_at, $3::timestamptz), updated_at = now()
        WHERE id = $1 AND organization_id = $2
        RETURNING links_revoked_at`,
      [id, orgId, at],
    );
    return rows[0][0]?.links_revoked_at ?? null;
  }

  /**
   * Executions the queue may have lost: pending for a while, or running past any live lock. In id
   * order from `after`, so successive passes walk the whole set a page at a time.
   */
  findPossiblyOrphaned(pendingBefore: Date, runningBefore: Date, limit: number, after?: string) {
    const from = after === undefined ? {} : { id: MoreThan(after) };
    // A running row whose lease is live has an attempt at work on it, job or no job.
    const unleased = Raw((column) => `(${column} IS NULL OR ${column} <= now())`);
    return this.repo.find({
      select: { id: true, organization_id: true, status: true },
      where: [
        // Only dispatched runs should have a job; a waiting one is the dispatcher's.
        { status: 'pending', dispatched_at: LessThan(pendingBefore), ...from },
        { status: 'running', started_at: LessThan(runningBefore), leased_until: unleased, ...from },
      ],
      order: { id: 'ASC' },
      take: limit,
    });
  }

  /** Counts one more re-enqueue of a run whose job was lost while running; the new count. */
  async countRequeue(orgId: string, id: string): Promise<number> {
    const rows: [{ requeues: number }[], number] = await this.dataSource.query(
      `UPDATE report_executions
          SET metadata = jsonb_set(metadata, '{requeues}',
                to_jsonb(COALESCE((metadata->>'requeues')::int, 0) + 1)),
              updated_at = now()
        WHERE id = $1 AND organization_id = $2 AND status = 'running'
        RETURNING (metadata->>'requeues')::int AS requeues`,
      [id, orgId],
    );
    return rows[0][0]?.requeues ?? 0;
  }

  /**
   * Finished runs past their organization's `history_days`, across organizations (per
   * organization through the finished-runs index), with the file key while the file is still
   * stored.
   */
  findRunsPastHistory(
    now: Date,
    limit: number,
  ): Promise<{ id: string; organization_id: string; file_key: string | null }[]> {
    return this.dataSource.query(
      `SELECT e.id, e.organization_id, e.file_key
         FROM organizations o
         CROSS JOIN LATERAL (
           SELECT id, organization_id,
                  CASE WHEN file_expired_at IS NULL THEN file_key END AS file_key
             FROM report_executions e
            WHERE e.organization_id = o.id AND e.status IN ('completed', 'failed')
              AND e.completed_at < $1::timestamptz - make_interval(days => o.history_days)
            ORDER BY e.completed_at
            LIMIT $2) e
        LIMIT $2`,
      [now, limit],
    );
  }

  /** Removes finished runs from the history; their deliveries go with them (foreign key). */
  async deleteFinished(ids: string[]): Promise<number> {
    if (ids.length === 0) return 0;
    const [, affected] = (await this.dataSource.query(
      `DELETE FROM report_executions WHERE id = ANY($1::uuid[]) AND status IN ('completed', 'failed')`,
      [ids],
    )) as [unknown, number];
    return affected;
  }
}
