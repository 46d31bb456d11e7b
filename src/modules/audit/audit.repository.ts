import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { managerOf } from 'src/database/transaction-scope';
import { EntityManager, Repository } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { AuditPosition } from './audit-cursor';
import { AuditLog } from './entities/audit-log.entity';

// TypeORM's deep-partial type cannot follow an open jsonb record, hence the cast at its door.
type NewAuditRow = QueryDeepPartialEntity<AuditLog>;

export interface AuditEntry {
  actor: string;
  action: string;
  resourceType: string;
  resourceId: string | null;
  details?: Record<string, unknown>;
  requestId?: string | null;
}

export interface AuditFilter {
  actor?: string;
  action?: string;
  resourceId?: string;
  from?: Date;
  to?: Date;
}

/** One page: after a cursor position, or (for compatibility) after skipping `offset` entries. */
export interface AuditPageRequest {
  after?: AuditPosition;
  offset?: number;
  limit: number;
}

export interface AuditPage {
  rows: AuditLog[];
  /** The last row's position when more rows follow, else null. */
  next: AuditPosition | null;
}

/**
 * Keys of `details` that hold a member's personal data; anonymizeActor overwrites them. Producers
 * put personal data under these names only (`name` is not one: schedules have names too).
 */
export const PERSONAL_DETAIL_KEYS = ['email', 'display_name'] as const;

/** The trigger's gate (migration MakeAuditAppendOnly): what one transaction may do to old rows. */
type AuditGate = 'anonymize' | 'delete';

// Microseconds: the keyset compares the stored value, which a JS Date would round.
const POSITION_OF_ROW = `to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/**
 * The only code that touches `audit_logs`. Rows are appended; the two methods that change old
 * rows (erasure, retention) open the trigger's gate for their own transaction only.
 */
@Injectable()
export class AuditRepository {
  constructor(@InjectRepository(AuditLog) private readonly logs: Repository<AuditLog>) {}

  /**
   * Inside the caller's transaction (`manager`, or the ambient one of TransactionScope.run): the
   * entry commits or rolls back with the change it records.
   */
  async insert(orgId: string, entry: AuditEntry, manager?: EntityManager): Promise<void> {
    const repo = (manager ?? managerOf(this.logs.manager.connection)).getRepository(AuditLog);
    await repo.insert(this.rowOf(orgId, entry, null));
  }

  /** Appends the entry unless one with the same key exists in the organization (parallel requests). */
  async insertOnce(orgId: string, entry: AuditEntry, dedupeKey: string): Promise<boolean> {
    const result = await this.logs
      .createQueryBuilder()
      .insert()
      .values(this.rowOf(orgId, entry, dedupeKey))
      .orIgnore()
      .execute();
    return (result.raw as unknown[]).length > 0;
  }

  async list(orgId: string, filter: AuditFilter, page: AuditPageRequest): Promise<AuditPage> {
    const { where, params } = this.whereOf(orgId, filter);
    if (page.after) {
      params.push(page.after.createdAt, page.after.id);
      where.push(
        `(created_at, id) < ($${params.length - 1}::timestamptz, $${params.length}::uuid)`,
      );
    }
    params.push(page.limit + 1, page.offset ?? 0);
    const rows: (AuditLog & { position: string })[] = await this.logs.query(
      `SELECT id, organization_id, actor, action, resource_type, resource_id, details, request_id,
              created_at, ${POSITION_OF_ROW} AS position
         FROM audit_logs
        WHERE ${where.join(' AND ')}
        ORDER BY created_at DESC, id DESC
        LIMIT $${params.length - 1} OFFSET $${params.length}`,
      params,
    );
    const more = rows.length > page.limit;
    const kept = rows.slice(0, page.limit);
    const last = kept[kept.length - 1];
    return {
      rows: kept.map(({ position: _position, ...row }) => row as AuditLog),
      next: more && last ? { createdAt: last.position, id: last.id } : null,
    };
  }

  async count(orgId: string, filter: AuditFilter): Promise<number> {
    const { where, params } = this.whereOf(orgId, filter);
    const [{ n }] = await this.logs.query(
      `SELECT count(*)::int AS n FROM audit_logs WHERE ${where.join(' AND ')}`,
      params,
    );
    return n as number;
  }

  /**
   * Erasure of a member: their entries stay (who did what, when), but `actor`, the personal keys
   * of `details` and any top-level `details` value equal to their user id read `replacement`.
   * Returns how many entries changed.
   */
  anonymizeActor(orgId: string, actor: string, replacement: string): Promise<number> {
    return this.withGate('anonymize', async (manager) => {
      const [, affected] = (await manager.query(
        `UPDATE audit_logs
            SET actor = CASE WHEN actor = $2 THEN $3 ELSE actor END,
                details = (SELECT coalesce(jsonb_object_agg(key,
                                    CASE WHEN (audit_logs.actor = $2 AND key = ANY($4::text[]))
                                              OR value = to_jsonb($2::text)
                                         THEN to_jsonb($3::text) ELSE value END), '{}'::jsonb)
                             FROM jsonb_each(details))
          WHERE organization_id = $1
            AND (actor = $2 OR jsonb_path_exists(details, '$.* ? (@ == $who)', jsonb_build_object('who', $2::text)))`,
        [orgId, actor, replacement, PERSONAL_DETAIL_KEYS],
      )) as [unknown, number];
      return affected;
    });
  }

  /**
   * Retention: up to `limit` (oldest first) of the organization's entries created before
   * `before` go, in one short transaction. Returns how many.
   */
  deleteOlderThan(orgId: string, before: Date, limit = 10_000): Promise<number> {
    return this.withGate('delete', async (manager) => {
      const [, affected] = (await manager.query(
        `DELETE FROM audit_logs WHERE id = ANY(ARRAY(
           SELECT id FROM audit_logs WHERE organization_id = $1 AND created_at < $2
            ORDER BY created_at, id LIMIT $3))`,
        [orgId, before, limit],
      )) as [unknown, number];
      return affected;
    });
  }

  /** Organizations holding entries older than their `audit_retention_days`, with the cut-off. */
  findPastRetention(now: Date): Promise<{ organization_id: string; before: Date }[]> {
    return this.logs.manager.query(
      `SELECT o.id AS organization_id,
              $1::timestamptz - make_interval(days => o.audit_retention_days) AS before
         FROM organizations o
        WHERE EXISTS (SELECT 1 FROM audit_logs a
                       WHERE a.organization_id = o.id
                         AND a.created_at < $1::timestamptz - make_interval(days => o.audit_retention_days))`,
      [now],
    );
  }

  /** SET LOCAL: the gate closes when this transaction ends, whatever the pooled connection does next. */
  private withGate<T>(gate: AuditGate, work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.logs.manager.transaction(async (manager) => {
      await manager.query(`SELECT set_config('app.audit_gate', $1, true)`, [gate]);
      return work(manager);
    });
  }

  private rowOf(orgId: string, entry: AuditEntry, dedupeKey: string | null): NewAuditRow {
    return {
      organization_id: orgId,
      actor: entry.actor,
      action: entry.action,
      resource_type: entry.resourceType,
      resource_id: entry.resourceId,
      details: (entry.details ?? {}) as NewAuditRow['details'],
      request_id: entry.requestId ?? null,
      dedupe_key: dedupeKey,
    };
  }

  private whereOf(orgId: string, filter: AuditFilter): { where: string[]; params: unknown[] } {
    const where = ['organization_id = $1'];
    const params: unknown[] = [orgId];
    const add = (sql: string, value: unknown) => {
      params.push(value);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (filter.actor) add('actor = ?', filter.actor);
    if (filter.action) add('action = ?', filter.action);
    if (filter.resourceId) add('resource_id = ?', filter.resourceId);
    if (filter.from) add('created_at >= ?', filter.from);
    if (filter.to) add('created_at < ?', filter.to);
    return { where, params };
  }
}
