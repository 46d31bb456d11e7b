import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { ExecutionTrigger } from 'src/domain/vocabulary';

export interface DispatchedExecution {
  id: string;
  organization_id: string;
  trigger: ExecutionTrigger;
}

/**
 * The dispatcher's SQL. A run holds one of its organization's generation slots from
 * `dispatched_at` until it is completed or failed; what waits is `pending` with no
 * `dispatched_at`.
 */
@Injectable()
export class DispatchRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Organizations with runs waiting and a slot free, by id (the dispatcher rotates through
   * them).
   */
  async findWaitingOrgs(limit: number): Promise<string[]> {
    // A loose index scan over the waiting-runs index: one probe per organization, not per row.
    const rows: { organization_id: string }[] = await this.dataSource.query(
      `WITH RECURSIVE orgs AS (
         (SELECT organization_id FROM report_executions
           WHERE status = 'pending' AND dispatched_at IS NULL
           ORDER BY organization_id LIMIT 1)
         UNION ALL
         SELECT (SELECT e.organization_id FROM report_executions e
                  WHERE e.status = 'pending' AND e.dispatched_at IS NULL
                    AND e.organization_id > orgs.organization_id
                  ORDER BY e.organization_id LIMIT 1)
           FROM orgs WHERE orgs.organization_id IS NOT NULL)
       -- Only those with a free slot: an organization at its cap costs no claim transaction.
       SELECT w.organization_id
         FROM orgs w JOIN organizations o ON o.id = w.organization_id
        WHERE (SELECT count(*) FROM report_executions f
                WHERE f.organization_id = w.organization_id AND f.status IN ('pending', 'running')
                  AND f.dispatched_at IS NOT NULL) < o.max_concurrent_generations
        ORDER BY w.organization_id
        LIMIT $1`,
      [limit],
    );
    return rows.map((r) => r.organization_id);
  }

  /**
   * Gives up to `limit` of the organization's waiting runs a slot, oldest first, as far as its
   * `max_concurrent_generations` leaves room, and returns them. One transaction under a
   * per-organization advisory lock: a second dispatcher (another scheduler process) skips the
   * organization instead of counting the same free slots, and `dispatched_at IS NULL` in the
   * UPDATE keeps any row from being dispatched twice.
   */
  claimForOrg(orgId: string, limit: number): Promise<DispatchedExecution[]> {
    return this.dataSource.transaction(async (manager) => {
      const [lock]: { locked: boolean }[] = await manager.query(
        `SELECT pg_try_advisory_xact_lock(hashtext('generation-dispatch'), hashtext($1)) AS locked`,
        [orgId],
      );
      if (!lock.locked) return [];
      const [rows]: [DispatchedExecution[], number] = await manager.query(
        `UPDATE report_executions e
            SET dispatched_at = now()
          WHERE e.id = ANY(ARRAY(
                  SELECT w.id FROM report_executions w
                   WHERE w.organization_id = $1 AND w.status = 'pending' AND w.dispatched_at IS NULL
                   ORDER BY w.created_at, w.id
                   LIMIT LEAST($2, GREATEST(0,
                     (SELECT o.max_concurrent_generations FROM organizations o WHERE o.id = $1)
                     - (SELECT count(*) FROM report_executions f
                         WHERE f.organization_id = $1 AND f.status IN ('pending', 'running')
                           AND f.dispatched_at IS NOT NULL)))
                   FOR UPDATE SKIP LOCKED))
            AND e.dispatched_at IS NULL AND e.status = 'pending'
          RETURNING e.id, e.organization_id, e.trigger`,
        [orgId, limit],
      );
      return rows;
    });
  }
}
