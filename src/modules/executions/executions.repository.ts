import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { managerOf } from 'src/database/transaction-scope';
import { DataSource, In, LessThan, Raw } from 'typeorm';
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
      `INSERT INTO report_executions (organization_id, scheduled_report_id, trigger, scheduled_for, status, requested_by, metadata)
       VALUES ($1, $2, 'manual', $3, 'pending', $4, $5)
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
    return this.dataSource.query(
      `SELECT e.id, e.organization_id, e.file_key
         FROM report_executions e
         JOIN organizations o ON o.id = e.organization_id
        WHERE e.file_key IS NOT NULL AND e.file_expired_at IS NULL AND e.status = 'completed'
          AND e.completed_at < $1::timestamptz - make_interval(days => o.retention_days)
        ORDER BY e.completed_at
        LIMIT $2`,
      [now, limit],
    );
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

  /** Executions the queue may have lost: pending for a while, or running past any live lock. */
  findPossiblyOrphaned(pendingBefore: Date, runningBefore: Date, limit: number) {
    // A running row whose lease is live has an attempt at work on it, job or no job.
    const unleased = Raw((column) => `(${column} IS NULL OR ${column} <= now())`);
    return this.repo.find({
      select: { id: true, organization_id: true, status: true },
      where: [
        { status: 'pending', created_at: LessThan(pendingBefore) },
        { status: 'running', started_at: LessThan(runningBefore), leased_until: unleased },
      ],
      order: { created_at: 'ASC' },
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
}
