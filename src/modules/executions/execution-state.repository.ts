import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { EventRef, OutboxRepository } from 'src/modules/outbox/outbox.repository';
import { ReportExecution } from './entities/report-execution.entity';
import { ExecutionCompleted, ExecutionFailed } from './execution-outcome.events';

/** Why a run failed, when it is more than an error: recorded in its metadata and its event. */
export interface FailureFacts {
  /** Not generated: the schedule was paused or deleted first. */
  skipped_reason?: string;
  /** Refused: the creator no longer may run it. */
  access_revoked?: string;
}

export interface CompletedRun {
  fileKey: string;
  fileSize: number;
  checksum: string;
  executionTimeMs: number;
  rows: number;
  /** Of the uncompressed content, for only_if_changed. */
  contentSha256: string;
  metadata: Record<string, unknown>;
}

export type StartResult =
  | {
      result: 'taken';
      execution: ReportExecution;
      previousLeaseId: string | null;
      /** The run was running under a lease that ran out: its attempt died or stopped renewing. */
      tookOver: boolean;
    }
  | { result: 'busy'; retryInMs: number }
  | { result: 'finished' };

/**
 * The worker's state machine on `report_executions`: pending → running → completed | failed.
 * Every transition is one conditional UPDATE, so a stale attempt (fenced by lease_id) or a
 * duplicate job cannot move a row that another attempt already finished. The lease expires
 * unless renewed: a second attempt takes over only a run whose attempt stopped. The two endings also
 * append their domain event in the same transaction: a finished run is never without it.
 */
@Injectable()
export class ExecutionStateRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly outbox: OutboxRepository,
  ) {}

  /**
   * Takes the execution for this attempt under a lease of `leaseMs`: a pending run, or a running
   * one whose lease expired (its attempt died or stopped renewing). `busy` while a live attempt
   * holds it; `finished` when it is completed, failed or gone.
   */
  async start(
    orgId: string,
    id: string,
    leaseId: string,
    attempt: number,
    leaseMs: number,
  ): Promise<StartResult> {
    const rows: (ReportExecution & { previous_lease_id: string | null; took_over: boolean })[][] =
      await this.dataSource.query(
        `UPDATE report_executions e
            SET status = 'running', started_at = COALESCE(e.started_at, now()), lease_id = $3,
                leased_until = now() + ($5::int * interval '1 millisecond'),
                -- Still 'running' means an earlier attempt died (killed worker, stalled job).
                retry_count = CASE WHEN e.status = 'running' THEN GREATEST(e.retry_count + 1, $4)
                                   ELSE GREATEST(e.retry_count, $4) END,
                updated_at = now()
           FROM (SELECT id, lease_id, status, leased_until FROM report_executions
                  WHERE id = $1 AND organization_id = $2 FOR UPDATE) previous
          WHERE e.id = previous.id AND e.status IN ('pending', 'running')
            AND (e.leased_until IS NULL OR e.leased_until <= now())
          RETURNING e.*, previous.lease_id AS previous_lease_id,
                    (previous.status = 'running' AND previous.leased_until IS NOT NULL) AS took_over`,
        [id, orgId, leaseId, attempt - 1, leaseMs],
      );
    const row = rows[0]?.[0];
    if (row) {
      return {
        result: 'taken',
        execution: this.dataSource.getRepository(ReportExecution).create(row),
        previousLeaseId: row.previous_lease_id,
        tookOver: row.took_over,
      };
    }
    const held: { remaining_ms: number }[] = await this.dataSource.query(
      `SELECT ceil(extract(epoch FROM leased_until - now()) * 1000)::int AS remaining_ms
         FROM report_executions
        WHERE id = $1 AND organization_id = $2 AND status IN ('pending', 'running')
          AND leased_until > now()`,
      [id, orgId],
    );
    return held[0] ? { result: 'busy', retryInMs: held[0].remaining_ms } : { result: 'finished' };
  }

  /** Extends a held lease; false when this attempt no longer holds the run. */
  async renew(orgId: string, id: string, leaseId: string, leaseMs: number): Promise<boolean> {
    const result: [unknown[], number] = await this.dataSource.query(
      `UPDATE report_executions
          SET leased_until = now() + ($4::int * interval '1 millisecond')
        WHERE id = $1 AND organization_id = $2 AND lease_id = $3 AND status = 'running'`,
      [id, orgId, leaseId, leaseMs],
    );
    return result[1] === 1;
  }

  /**
   * Gives the run back unfinished (its worker is shutting down): pending again and unleased,
   * so the next attempt starts at once and counts no retry.
   */
  async handBack(orgId: string, id: string, leaseId: string): Promise<boolean> {
    const result: [unknown[], number] = await this.dataSource.query(
      `UPDATE report_executions
          SET status = 'pending', lease_id = NULL, leased_until = NULL, updated_at = now()
        WHERE id = $1 AND organization_id = $2 AND lease_id = $3 AND status = 'running'`,
      [id, orgId, leaseId],
    );
    return result[1] === 1;
  }

  /** Completes the run if this attempt still holds it; the `execution.completed` event, else null. */
  async complete(
    orgId: string,
    id: string,
    leaseId: string,
    run: CompletedRun,
  ): Promise<EventRef | null> {
    return this.dataSource.transaction(async (manager) => {
      const rows: [{ scheduled_report_id: string }[], number] = await manager.query(
        `UPDATE report_executions
            SET status = 'completed', completed_at = now(), file_key = $4, file_size = $5,
                file_checksum = $6, execution_time_ms = $7, metadata = metadata || $8::jsonb,
                error_message = NULL, leased_until = NULL, updated_at = now()
          WHERE id = $1 AND organization_id = $2 AND lease_id = $3 AND status = 'running'
          RETURNING scheduled_report_id`,
        [
          id,
          orgId,
          leaseId,
          run.fileKey,
          run.fileSize,
          run.checksum,
          run.executionTimeMs,
          JSON.stringify(run.metadata),
        ],
      );
      const updated = rows[0][0];
      if (!updated) return null;
      const payload: ExecutionCompleted = {
        execution_id: id,
        schedule_id: updated.scheduled_report_id,
        rows: run.rows,
        content_sha256: run.contentSha256,
      };
      return this.outbox.append(manager, {
        orgId,
        type: 'execution.completed',
        subjectId: id,
        payload,
      });
    });
  }

  /**
   * Fails for good; with a lease only that attempt may, without one any unfinished row. The
   * `execution.failed` event when this call failed it, else null.
   */
  async fail(
    orgId: string,
    id: string,
    leaseId: string | null,
    message: string,
    metadata: FailureFacts = {},
  ): Promise<EventRef | null> {
    return this.dataSource.transaction(async (manager) => {
      const rows: [{ scheduled_report_id: string }[], number] = await manager.query(
        `UPDATE report_executions
            SET status = 'failed', completed_at = now(), error_message = $4,
                metadata = metadata || $5::jsonb, leased_until = NULL, updated_at = now(),
                execution_time_ms = CASE WHEN started_at IS NULL THEN NULL
                                         ELSE (extract(epoch FROM now() - started_at) * 1000)::int END
          WHERE id = $1 AND organization_id = $2 AND status IN ('pending', 'running')
            AND ($3::uuid IS NULL OR lease_id = $3)
          RETURNING scheduled_report_id`,
        [id, orgId, leaseId, message.slice(0, 2000), JSON.stringify(metadata)],
      );
      const updated = rows[0][0];
      if (!updated) return null;
      const payload: ExecutionFailed = {
        execution_id: id,
        schedule_id: updated.scheduled_report_id,
        reason: message,
        skipped_reason: metadata.skipped_reason ?? null,
        access_revoked: metadata.access_revoked ?? null,
      };
      return this.outbox.append(manager, {
        orgId,
        type: 'execution.failed',
        subjectId: id,
        payload,
      });
    });
  }

  /**
   * Notes an attempt's error while a retry is still coming, and ends its lease so the retry
   * may start at once (lease_id stays, so the retry knows whose file to remove).
   */
  async noteRetry(orgId: string, id: string, leaseId: string, message: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE report_executions SET error_message = $4, leased_until = NULL, updated_at = now()
        WHERE id = $1 AND organization_id = $2 AND lease_id = $3 AND status = 'running'`,
      [id, orgId, leaseId, `attempt failed, will retry: ${message}`.slice(0, 2000)],
    );
  }
}
