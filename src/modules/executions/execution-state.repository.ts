import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { ReportExecution } from './entities/report-execution.entity';

export interface CompletedFile {
  fileKey: string;
  fileSize: number;
  checksum: string;
  executionTimeMs: number;
  metadata: Record<string, unknown>;
}

/**
 * The worker's state machine on `report_executions`: pending → running → completed | failed.
 * Every transition is one conditional UPDATE, so a stale attempt (fenced by lease_id) or a
 * duplicate job cannot move a row that another attempt already finished.
 */
@Injectable()
export class ExecutionStateRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

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

  /**
   * Completes the run; `andThen` runs in the same transaction only when this attempt completed it
   * (the delivery fan-out), so a completed run never lacks its deliveries.
   */
  async complete<T>(
    orgId: string,
    id: string,
    leaseId: string,
    file: CompletedFile,
    andThen: (manager: EntityManager) => Promise<T>,
  ): Promise<{ completed: false } | { completed: true; then: T }> {
    return this.dataSource.transaction(async (manager) => {
      const result: [unknown[], number] = await manager.query(
        `UPDATE report_executions
          SET status = 'completed', completed_at = now(), file_key = $4, file_size = $5,
              file_checksum = $6, execution_time_ms = $7, metadata = metadata || $8::jsonb,
              error_message = NULL, updated_at = now()
        WHERE id = $1 AND organization_id = $2 AND lease_id = $3 AND status = 'running'`,
        [
          id,
          orgId,
          leaseId,
          file.fileKey,
          file.fileSize,
          file.checksum,
          file.executionTimeMs,
          JSON.stringify(file.metadata),
        ],
      );
      if (result[1] !== 1) return { completed: false };
      return { completed: true, then: await andThen(manager) };
    });
  }

  /** Fails for good; with a lease only that attempt may, without one any unfinished row. */
  async fail(
    orgId: string,
    id: string,
    leaseId: string | null,
    message: string,
    metadata: Record<string, unknown> = {},
  ): Promise<boolean> {
    const result: [unknown[], number] = await this.dataSource.query(
      `UPDATE report_executions
          SET status = 'failed', completed_at = now(), error_message = $4,
              metadata = metadata || $5::jsonb, updated_at = now(),
              execution_time_ms = CASE WHEN started_at IS NULL THEN NULL
                                       ELSE (extract(epoch FROM now() - started_at) * 1000)::int END
        WHERE id = $1 AND organization_id = $2 AND status IN ('pending', 'running')
          AND ($3::uuid IS NULL OR lease_id = $3)`,
      [id, orgId, leaseId, message.slice(0, 2000), JSON.stringify(metadata)],
    );
    return result[1] === 1;
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
