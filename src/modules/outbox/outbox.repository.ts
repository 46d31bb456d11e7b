import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { DomainEventType } from 'src/domain/vocabulary';
import { OutboxEvent } from './entities/outbox-event.entity';

/** An event to record with the change it reports. */
export interface NewDomainEvent {
  orgId: string;
  type: DomainEventType;
  subjectId: string;
  payload: object;
}

export interface EventRef {
  id: string;
  orgId: string;
}

/** `outbox_events`: appended inside the publisher's transaction, then dispatched once. */
@Injectable()
export class OutboxRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Inside the caller's transaction, so the event commits (or not) with the change. */
  async append(manager: EntityManager, event: NewDomainEvent): Promise<EventRef> {
    const rows: { id: string }[] = await manager.query(
      `INSERT INTO outbox_events (organization_id, type, subject_id, payload)
       VALUES ($1, $2, $3, $4) RETURNING id`,
      [event.orgId, event.type, event.subjectId, JSON.stringify(event.payload)],
    );
    return { id: rows[0].id, orgId: event.orgId };
  }

  /**
   * Takes an undispatched event for `leaseMs`; null when it is dispatched, or another
   * dispatcher holds it, or it waits for its retry time.
   */
  async claim(ref: EventRef, leaseMs: number): Promise<OutboxEvent | null> {
    const rows: OutboxEvent[][] = await this.dataSource.query(
      `UPDATE outbox_events
          SET attempts = attempts + 1, leased_until = now() + ($3::int * interval '1 millisecond')
        WHERE id = $1 AND organization_id = $2 AND dispatched_at IS NULL
          AND (leased_until IS NULL OR leased_until < now())
        RETURNING *`,
      [ref.id, ref.orgId, leaseMs],
    );
    const row = rows[0]?.[0];
    return row ? this.dataSource.getRepository(OutboxEvent).create(row) : null;
  }

  async markDispatched(ref: EventRef): Promise<void> {
    await this.dataSource.query(
      `UPDATE outbox_events SET dispatched_at = now(), leased_until = NULL, last_error = NULL
        WHERE id = $1 AND organization_id = $2`,
      [ref.id, ref.orgId],
    );
  }

  /** A subscriber failed: keep the error and wait `retryInMs` before the next try. */
  async postpone(ref: EventRef, error: string, retryInMs: number): Promise<void> {
    await this.dataSource.query(
      `UPDATE outbox_events
          SET last_error = $3, leased_until = now() + ($4::int * interval '1 millisecond')
        WHERE id = $1 AND organization_id = $2 AND dispatched_at IS NULL`,
      [ref.id, ref.orgId, error.slice(0, 2000), retryInMs],
    );
  }

  /** Undispatched events older than `createdBefore` and free to take: their dispatcher died. */
  async findStranded(createdBefore: Date, limit: number): Promise<EventRef[]> {
    const rows: { id: string; organization_id: string }[] = await this.dataSource.query(
      `SELECT id, organization_id FROM outbox_events
        WHERE dispatched_at IS NULL AND created_at < $1
          AND (leased_until IS NULL OR leased_until < now())
        ORDER BY created_at
        LIMIT $2`,
      [createdBefore, limit],
    );
    return rows.map((r) => ({ id: r.id, orgId: r.organization_id }));
  }

  /**
   * Growth: up to `limit` events dispatched before `before` go (their subscribers ran).
   * `= ANY(ARRAY(...))` keeps the delete on the primary key instead of a hash join over the table.
   */
  async deleteDispatchedBefore(before: Date, limit: number): Promise<number> {
    const [, affected] = (await this.dataSource.query(
      `DELETE FROM outbox_events WHERE id = ANY(ARRAY(
         SELECT id FROM outbox_events WHERE dispatched_at < $1 ORDER BY dispatched_at LIMIT $2))`,
      [before, limit],
    )) as [unknown, number];
    return affected;
  }
}
