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

/**
 * The worker's state machine on `report_executions`: pending → running → completed | failed.
 * Every transition is one conditional UPDATE, so a stale attempt (fenced by lease_id) or a
 * duplicate job cannot move a row that another attempt already finished. The two endings also
 * append their domain event in the same transaction: a finished run is never without it.
 */
@Injectable()
export class ExecutionStateRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly outbox: OutboxRepository,
  ) {}

  /** Takes the execution for this attempt; null when it is already finished (or gone). */
  async start(
    orgId: string,
    id: string,
    leaseId: string,
    attempt: number,
  ): Promise<ReportExecution | null> {
    const rows: ReportExecution[][] = await this.dataSource.query(
      `UPDATE report_executions
          SET status = 'running', started_at = COALESCE(started_at, now()), lease_id = $3,
              -- Still 'running' means an earlier attempt died (killed worker, stalled job).
              retry_count = CASE WHEN status = 'running' THEN GREATEST(retry_count + 1, $4)
                                 ELSE GREATEST(retry_count, $4) END,
              updated_at = now()
        WHERE id = $1 AND organization_id = $2 AND status IN ('pending', 'running')
        RETURNING *`,
      [id, orgId, leaseId, attempt - 1],
    );
    const row = rows[0]?.[0];
    return row ? this.dataSource.getRepository(ReportExecution).create(row) : null;
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
                error_message = NULL, updated_at = now()
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
                metadata = metadata || $5::jsonb, updated_at = now(),
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

  /** Notes an attempt's error while a retry is still coming. */
  async noteRetry(orgId: string, id: string, leaseId: string, message: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE report_executions SET error_message = $4, updated_at = now()
        WHERE id = $1 AND organization_id = $2 AND lease_id = $3 AND status = 'running'`,
      [id, orgId, leaseId, `attempt failed, will retry: ${message}`.slice(0, 2000)],
    );
  }
}
