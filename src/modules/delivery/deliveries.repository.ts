import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { managerOf } from 'src/database/transaction-scope';
import { DeliveryStatus } from 'src/domain/vocabulary';
import type { Recipient } from 'src/modules/schedules/entities/scheduled-report.entity';
import { ReportDelivery } from './entities/report-delivery.entity';

export type FinalStatus = Exclude<DeliveryStatus, 'pending' | 'sent' | 'unknown'>;

/** Statuses a delivery can still be sent from: never sent, or sent without an answer. */
const OPEN = `status IN ('pending', 'unknown')`;

/** A delivery to create at completion: pending, or already skipped with a reason. */
export interface PlannedDelivery extends Recipient {
  skip?: { reason: string; message: string };
}

/**
 * `report_deliveries`: one row per execution and recipient. Every outcome is a conditional
 * UPDATE fenced by the attempt's lease, so a duplicate job, a stalled attempt or a second
 * worker can never turn a `sent` row back into anything, nor send it again.
 */
@Injectable()
export class DeliveriesRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Inserts the fan-out; a repeat (the event handled twice) adds nothing. Returns the ids of the
   * execution's pending rows, those inserted by an earlier run included, so they get their jobs.
   */
  async createForExecution(
    orgId: string,
    executionId: string,
    planned: PlannedDelivery[],
  ): Promise<string[]> {
    if (planned.length === 0) return [];
    await this.dataSource.query(
      `INSERT INTO report_deliveries
              (organization_id, report_execution_id, recipient_type, recipient_value, status,
               error_message, metadata)
       SELECT $1, $2, p.type, p.value, p.status, p.message, p.metadata
         FROM jsonb_to_recordset($3::jsonb)
              AS p(type text, value text, status text, message text, metadata jsonb)
       ON CONFLICT ON CONSTRAINT report_deliveries_recipient_key DO NOTHING`,
      [
        orgId,
        executionId,
        JSON.stringify(
          planned.map((p) => ({
            type: p.type,
            value: p.value,
            status: p.skip ? 'skipped' : 'pending',
            message: p.skip?.message ?? null,
            metadata: p.skip ? { reason: p.skip.reason } : {},
          })),
        ),
      ],
    );
    const pending: { id: string }[] = await this.dataSource.query(
      `SELECT id FROM report_deliveries
        WHERE organization_id = $1 AND report_execution_id = $2 AND status = 'pending'`,
      [orgId, executionId],
    );
    return pending.map((r) => r.id);
  }

  listForExecution(orgId: string, executionId: string): Promise<ReportDelivery[]> {
    return this.dataSource.getRepository(ReportDelivery).find({
      where: { organization_id: orgId, report_execution_id: executionId },
      order: { created_at: 'ASC', id: 'ASC' },
    });
  }

  /** The content hash of the schedule's latest execution that reached a recipient. */
  async lastDeliveredContentHash(
    orgId: string,
    scheduleId: string,
    exceptExecutionId: string,
  ): Promise<string | null> {
    const rows: { hash: string | null }[] = await this.dataSource.query(
      `SELECT e.metadata->>'content_sha256' AS hash
         FROM report_executions e
        WHERE e.organization_id = $1 AND e.scheduled_report_id = $2 AND e.id <> $3
          AND e.status = 'completed'
          AND EXISTS (SELECT 1 FROM report_deliveries d
                       WHERE d.report_execution_id = e.id AND d.status = 'sent')
        ORDER BY e.completed_at DESC
        LIMIT 1`,
      [orgId, scheduleId, exceptExecutionId],
    );
    return rows[0]?.hash ?? null;
  }

  /**
   * Takes an open delivery (pending, or unknown) for one attempt, for `leaseMs`; null when it is
   * finished or a lease on it has not lapsed yet. A lease still named on the row was never ended
   * by its attempt (crashed, killed, or stalled past it): `metadata.lost_attempts` counts those.
   */
  async claim(
    orgId: string,
    id: string,
    leaseId: string,
    leaseMs: number,
  ): Promise<ReportDelivery | null> {
    const rows: ReportDelivery[][] = await this.dataSource.query(
      `UPDATE report_deliveries
          SET attempts = attempts + 1, lease_id = $3,
              leased_until = now() + ($4::int * interval '1 millisecond'), updated_at = now(),
              metadata = CASE WHEN lease_id IS NULL THEN metadata
                ELSE jsonb_set(metadata, '{lost_attempts}',
                       to_jsonb(COALESCE((metadata->>'lost_attempts')::int, 0) + 1)) END
        WHERE id = $1 AND organization_id = $2 AND ${OPEN}
          AND (leased_until IS NULL OR leased_until < now())
        RETURNING *`,
      [id, orgId, leaseId, leaseMs],
    );
    const row = rows[0]?.[0];
    return row ? this.dataSource.getRepository(ReportDelivery).create(row) : null;
  }

  /** Extends a held lease; a no-op when the lease was lost or the row is finished. */
  async claimRenew(orgId: string, id: string, leaseId: string, leaseMs: number): Promise<void> {
    await this.dataSource.query(
      `UPDATE report_deliveries
          SET leased_until = now() + ($4::int * interval '1 millisecond')
        WHERE id = $1 AND organization_id = $2 AND lease_id = $3 AND ${OPEN}`,
      [id, orgId, leaseId, leaseMs],
    );
  }

  /** The send went out without an answer; the lease stays with the attempt. */
  async markUnknown(orgId: string, id: string, leaseId: string, message: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE report_deliveries
          SET status = 'unknown', error_message = $4, updated_at = now()
        WHERE id = $1 AND organization_id = $2 AND lease_id = $3 AND ${OPEN}`,
      [id, orgId, leaseId, message.slice(0, 2000)],
    );
  }

  /**
   * Ends an attempt whose outcome is unknown without freeing the delivery: nobody may claim it
   * for another `leaseMs`, so a resend never overtakes a message the peer may still be taking.
   */
  async endLeaseLater(orgId: string, id: string, leaseId: string, leaseMs: number): Promise<void> {
    await this.dataSource.query(
      `UPDATE report_deliveries
          SET lease_id = NULL, leased_until = now() + ($4::int * interval '1 millisecond'),
              updated_at = now()
        WHERE id = $1 AND organization_id = $2 AND lease_id = $3 AND ${OPEN}`,
      [id, orgId, leaseId, leaseMs],
    );
  }

  async markSent(
    orgId: string,
    id: string,
    leaseId: string,
    metadata: Record<string, unknown>,
  ): Promise<boolean> {
    return this.finish(orgId, id, leaseId, 'sent', null, metadata);
  }

  async markFinal(
    orgId: string,
    id: string,
    leaseId: string,
    status: FinalStatus,
    message: string,
    metadata: Record<string, unknown> = {},
  ): Promise<boolean> {
    return this.finish(orgId, id, leaseId, status, message, metadata);
  }

  /** Ends this attempt without an outcome (a retry follows), freeing the lease at once. */
  async release(orgId: string, id: string, leaseId: string, message: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE report_deliveries
          SET lease_id = NULL, leased_until = NULL, error_message = $4, updated_at = now()
        WHERE id = $1 AND organization_id = $2 AND lease_id = $3 AND ${OPEN}`,
      [id, orgId, leaseId, message.slice(0, 2000)],
    );
  }

  /** Keeps facts for later attempts (a resolved Slack channel id) while the lease is held. */
  async remember(
    orgId: string,
    id: string,
    leaseId: string,
    facts: Record<string, unknown>,
  ): Promise<void> {
    await this.dataSource.query(
      `UPDATE report_deliveries SET metadata = metadata || $4::jsonb, updated_at = now()
        WHERE id = $1 AND organization_id = $2 AND lease_id = $3`,
      [id, orgId, leaseId, JSON.stringify(facts)],
    );
  }

  findOne(orgId: string, id: string): Promise<ReportDelivery | null> {
    return this.dataSource
      .getRepository(ReportDelivery)
      .findOne({ where: { id, organization_id: orgId } });
  }

  /**
   * Puts failed or bounced deliveries of an execution (one, or all) back to pending for a resend.
   * Sent and skipped rows are never touched: nobody already served gets a second copy.
   */
  async reopenFailed(orgId: string, executionId: string, deliveryId?: string): Promise<string[]> {
    const rows: [{ id: string }[], number] = await managerOf(this.dataSource).query(
      `UPDATE report_deliveries
          SET status = 'pending', lease_id = NULL, leased_until = NULL, updated_at = now(),
              metadata = (metadata - 'lost_attempts') || jsonb_build_object('resent_at', now(),
                'previous_error', error_message),
              error_message = NULL
        WHERE organization_id = $1 AND report_execution_id = $2
          AND ($3::uuid IS NULL OR id = $3) AND status IN ('failed', 'bounced')
        RETURNING id`,
      [orgId, executionId, deliveryId ?? null],
    );
    return rows[0].map((r) => r.id);
  }

  /**
   * Open deliveries (pending, or `unknown` once their lease lapsed) untouched for a while and
   * not leased: their job may have been lost. In id order from `after`, so successive passes walk
   * the whole set a page at a time.
   */
  findStalePending(
    untouchedSince: Date,
    limit: number,
    after?: string,
  ): Promise<{ id: string; organization_id: string }[]> {
    return this.dataSource.query(
      `SELECT id, organization_id FROM report_deliveries
        WHERE ${OPEN} AND updated_at < $1
          AND (leased_until IS NULL OR leased_until < now())
          AND ($3::uuid IS NULL OR id > $3)
        ORDER BY id
        LIMIT $2`,
      [untouchedSince, limit, after ?? null],
    );
  }

  private async finish(
    orgId: string,
    id: string,
    leaseId: string,
    status: DeliveryStatus,
    message: string | null,
    metadata: Record<string, unknown>,
  ): Promise<boolean> {
    const result: [unknown[], number] = await this.dataSource.query(
      `UPDATE report_deliveries
          SET status = $4, error_message = $5, metadata = metadata || $6::jsonb,
              delivered_at = CASE WHEN $4 = 'sent' THEN now() ELSE delivered_at END,
              lease_id = NULL, leased_until = NULL, updated_at = now()
        WHERE id = $1 AND organization_id = $2 AND lease_id = $3 AND ${OPEN}`,
      [id, orgId, leaseId, status, message?.slice(0, 2000) ?? null, JSON.stringify(metadata)],
    );
    return result[1] === 1;
  }
}
