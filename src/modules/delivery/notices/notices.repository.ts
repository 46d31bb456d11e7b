import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { NoticeKind, NoticeStatus } from 'src/domain/vocabulary';
import { Notice } from '../entities/notice.entity';

export interface NewNotice {
  orgId: string;
  kind: NoticeKind;
  /** The execution the notice is about; one notice per kind and execution. */
  subjectId: string;
  scheduleId: string;
  details?: Record<string, unknown>;
}

/**
 * `notices`: failure emails to schedule creators, each created once and sent at most once; an
 * attempt holds a lease, and only its holder records the outcome.
 */
@Injectable()
export class NoticesRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The new notice's id, or null when this failure was already noticed. */
  async create(notice: NewNotice): Promise<string | null> {
    const rows: { id: string }[] = await this.dataSource.query(
      `INSERT INTO notices (organization_id, kind, subject_id, scheduled_report_id, details)
       VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT ON CONSTRAINT notices_kind_subject_key DO NOTHING
       RETURNING id`,
      [notice.orgId, notice.kind, notice.subjectId, notice.scheduleId, notice.details ?? {}],
    );
    return rows[0]?.id ?? null;
  }

  /**
   * Takes a pending notice for one attempt, for `leaseMs`, counting the attempt; null when it is
   * finished or another attempt's lease has not lapsed (as deliveries are claimed). A lease still
   * named on the row was never ended by its attempt: `lost_attempts` counts those.
   */
  async claim(orgId: string, id: string, leaseId: string, leaseMs: number): Promise<Notice | null> {
    const rows: Notice[][] = await this.dataSource.query(
      `UPDATE notices
          SET attempts = attempts + 1, lease_id = $3, updated_at = now(),
              lost_attempts = lost_attempts + CASE WHEN lease_id IS NULL THEN 0 ELSE 1 END,
              leased_until = now() + ($4::int * interval '1 millisecond')
        WHERE id = $1 AND organization_id = $2 AND status = 'pending'
          AND (leased_until IS NULL OR leased_until < now())
        RETURNING *`,
      [id, orgId, leaseId, leaseMs],
    );
    const row = rows[0]?.[0];
    return row ? this.dataSource.getRepository(Notice).create(row) : null;
  }

  async isPending(orgId: string, id: string): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(
      `SELECT 1 FROM notices WHERE id = $1 AND organization_id = $2 AND status = 'pending'`,
      [id, orgId],
    );
    return rows.length > 0;
  }

  async renew(orgId: string, id: string, leaseId: string, leaseMs: number): Promise<void> {
    await this.dataSource.query(
      `UPDATE notices SET leased_until = now() + ($4::int * interval '1 millisecond')
        WHERE id = $1 AND organization_id = $2 AND lease_id = $3 AND status = 'pending'`,
      [id, orgId, leaseId, leaseMs],
    );
  }

  /** Records the outcome if `leaseId` still holds the notice. */
  async finish(
    orgId: string,
    id: string,
    leaseId: string,
    status: Exclude<NoticeStatus, 'pending'>,
    message: string | null,
  ): Promise<boolean> {
    const result: [unknown[], number] = await this.dataSource.query(
      `UPDATE notices
          SET status = $4, error_message = $5, updated_at = now(), lease_id = NULL,
              leased_until = NULL, sent_at = CASE WHEN $4 = 'sent' THEN now() ELSE sent_at END
        WHERE id = $1 AND organization_id = $2 AND lease_id = $3 AND status = 'pending'`,
      [id, orgId, leaseId, status, message?.slice(0, 2000) ?? null],
    );
    return result[1] === 1;
  }

  /**
   * Ends an attempt that a retry follows: at once (`holdMs` 0), or, when the mail server may
   * have taken the message, only after `holdMs`, so the resend never overtakes it.
   */
  async noteRetry(
    orgId: string,
    id: string,
    leaseId: string,
    message: string,
    holdMs = 0,
  ): Promise<void> {
    await this.dataSource.query(
      `UPDATE notices
          SET error_message = $4, updated_at = now(), lease_id = NULL,
              leased_until = CASE WHEN $5::int > 0
                THEN now() + ($5::int * interval '1 millisecond') END
        WHERE id = $1 AND organization_id = $2 AND lease_id = $3 AND status = 'pending'`,
      [id, orgId, leaseId, message.slice(0, 2000), holdMs],
    );
  }

  /** Pending notices untouched for a while, in id order from `after` (see the deliveries'). */
  findStalePending(
    untouchedSince: Date,
    limit: number,
    after?: string,
  ): Promise<{ id: string; organization_id: string }[]> {
    return this.dataSource.query(
      `SELECT id, organization_id FROM notices
        WHERE status = 'pending' AND updated_at < $1
          AND (leased_until IS NULL OR leased_until < now())
          AND ($3::uuid IS NULL OR id > $3)
        ORDER BY id LIMIT $2`,
      [untouchedSince, limit, after ?? null],
    );
  }

  /** Whether the schedule's last `count` runs all failed (runs skipped as paused/deleted aside). */
  async lastRunsAllFailed(orgId: string, scheduleId: string, count: number): Promise<boolean> {
    const rows: { status: string }[] = await this.dataSource.query(
      `SELECT status FROM report_executions
        WHERE organization_id = $1 AND scheduled_report_id = $2
          AND status IN ('completed', 'failed') AND NOT (metadata ? 'skipped_reason')
        ORDER BY scheduled_for DESC, created_at DESC
        LIMIT $3`,
      [orgId, scheduleId, count],
    );
    return rows.length === count && rows.every((r) => r.status === 'failed');
  }

  /** The failed deliveries of an execution, for the notice's body. */
  failedDeliveries(
    orgId: string,
    executionId: string,
  ): Promise<{ recipient: string; error: string }[]> {
    return this.dataSource.query(
      `SELECT recipient_type || ': ' || recipient_value AS recipient,
              COALESCE(error_message, status) AS error
         FROM report_deliveries
        WHERE organization_id = $1 AND report_execution_id = $2
          AND status IN ('failed', 'bounced')
        ORDER BY recipient_type, recipient_value`,
      [orgId, executionId],
    );
  }

  /**
   * Growth: up to `limit` settled notices older than their organization's `history_days` go
   * (per organization through its (organization_id, created_at) index).
   */
  async deletePastHistory(now: Date, limit: number): Promise<number> {
    const [, affected] = (await this.dataSource.query(
      `DELETE FROM notices WHERE id = ANY(ARRAY(
         SELECT n.id FROM organizations o
           CROSS JOIN LATERAL (
             SELECT id FROM notices n
              WHERE n.organization_id = o.id AND n.status <> 'pending'
                AND n.created_at < $1::timestamptz - make_interval(days => o.history_days)
              LIMIT $2) n
          LIMIT $2))`,
      [now, limit],
    )) as [unknown, number];
    return affected;
  }
}
