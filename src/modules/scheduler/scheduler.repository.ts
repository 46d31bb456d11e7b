import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { Clock } from 'src/common/clock';
import { databaseNow } from 'src/database/database-now';
import { RUN_CONFIG_SQL } from 'src/modules/executions/run-config';
import type { ScheduleConfig, SlotKey } from 'src/modules/schedules/calendar/schedule-config';

export interface DueSchedule {
  id: string;
  organization_id: string;
  schedule_config: ScheduleConfig;
  next_run_at: Date;
  next_slot_local: string | null;
  next_slot_fold: number | null;
}

export interface SlotToRun {
  scheduleId: string;
  orgId: string;
  scheduledFor: Date;
  /** The slot's identity: its nominal local time in `zone`. */
  key: SlotKey;
  zone: string;
  skipped: Date[];
}

export interface ScheduleAdvance {
  scheduleId: string;
  nextRunAt: Date | null;
  nextKey: SlotKey | null;
  lastRunAt: Date | null;
}

export interface CreatedExecution {
  id: string;
  organization_id: string;
}

/**
 * The scheduler's SQL. Claiming works across any number of scheduler processes:
 * `FOR UPDATE SKIP LOCKED` hands each due row to one of them, and the unique
 * (schedule, slot) index makes a second execution for a slot impossible even so.
 */
@Injectable()
export class SchedulerRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  transaction<T>(work: (tx: SchedulerTx) => Promise<T>): Promise<T> {
    return this.dataSource.transaction((manager) => work(new SchedulerTx(manager)));
  }
}

export class SchedulerTx {
  constructor(readonly manager: EntityManager) {}

  /** "Now" for claims: the database's clock, the same for every scheduler whatever its own. */
  databaseNow(clock: Clock): Promise<Date> {
    return databaseNow(this.manager, clock);
  }

  /** Locks up to `limit` due schedules no other scheduler holds. `= ANY(ARRAY(...))` keeps the index scan. */
  claimDue(now: Date, limit: number): Promise<DueSchedule[]> {
    return this.manager.query(
      `SELECT id, organization_id, schedule_config, next_run_at, next_slot_local, next_slot_fold
         FROM scheduled_reports
        WHERE id = ANY(ARRAY(
          SELECT id FROM scheduled_reports
           WHERE status = 'active' AND deleted_at IS NULL AND next_run_at <= $1
           ORDER BY next_run_at
           LIMIT $2
           FOR UPDATE SKIP LOCKED))`,
      [now, limit],
    );
  }

  /**
   * One execution per slot, keyed by its nominal local time; a slot that already has one is
   * silently not created again. Each row keeps a copy of what the run needs from its schedule,
   * as it is now, under the claim's lock.
   */
  async insertExecutions(slots: SlotToRun[]): Promise<CreatedExecution[]> {
    if (slots.length === 0) return [];
    return this.manager.query(
      `INSERT INTO report_executions (organization_id, scheduled_report_id, trigger, scheduled_for,
                                      slot_local, slot_fold, slot_zone, config_snapshot, status, metadata)
       SELECT u.org, u.schedule, 'schedule', u.slot, u.slot_local, u.slot_fold, u.zone,
              ${RUN_CONFIG_SQL}, 'pending', u.meta
         FROM unnest($1::uuid[], $2::uuid[], $3::timestamptz[], $4::jsonb[], $5::text[], $6::smallint[], $7::text[])
              AS u(org, schedule, slot, meta, slot_local, slot_fold, zone)
         JOIN scheduled_reports s ON s.id = u.schedule
       ON CONFLICT (scheduled_report_id, slot_zone, slot_local, slot_fold) WHERE "trigger" = 'schedule' DO NOTHING
       RETURNING id, organization_id`,
      [
        slots.map((s) => s.orgId),
        slots.map((s) => s.scheduleId),
        slots.map((s) => s.scheduledFor),
        slots.map((s) =>
          JSON.stringify(
            s.skipped.length ? { skipped_slots: s.skipped.map((d) => d.toISOString()) } : {},
          ),
        ),
        slots.map((s) => s.key.local),
        slots.map((s) => s.key.fold),
        slots.map((s) => s.zone),
      ],
    );
  }

  /**
   * Of these slots, the ones whose organization coalesces overlapping slots and whose
   * schedule's previous scheduled run (another slot's) is still pending or running, with it.
   */
  async findOverlapping(
    slots: SlotToRun[],
  ): Promise<{ schedule_id: string; execution_id: string; status: string }[]> {
    if (slots.length === 0) return [];
    return this.manager.query(
      `SELECT DISTINCT ON (e.scheduled_report_id)
              e.scheduled_report_id AS schedule_id, e.id AS execution_id, e.status
         FROM unnest($1::uuid[], $2::text[], $3::smallint[], $4::text[])
              AS u(schedule, slot_local, slot_fold, zone)
         JOIN report_executions e
           ON e.scheduled_report_id = u.schedule AND e.trigger = 'schedule'
          AND e.status IN ('pending', 'running')
          -- A repeated claim of the same slot is not an overlap (its insert is a no-op).
          AND (e.slot_local, e.slot_fold, e.slot_zone)
              IS DISTINCT FROM (u.slot_local, u.slot_fold, u.zone)
         JOIN organizations o ON o.id = e.organization_id AND o.overlap_policy = 'coalesce'
        ORDER BY e.scheduled_report_id, e.created_at`,
      [
        slots.map((s) => s.scheduleId),
        slots.map((s) => s.key.local),
        slots.map((s) => s.key.fold),
        slots.map((s) => s.zone),
      ],
    );
  }

  /** Slots coalesced into a run still in flight: one audit entry each. */
  async recordCoalesced(
    entries: {
      orgId: string;
      scheduleId: string;
      slot: Date;
      executionId: string;
      status: string;
    }[],
  ): Promise<void> {
    if (entries.length === 0) return;
    await this.manager.query(
      `INSERT INTO audit_logs (organization_id, actor, action, resource_type, resource_id, details)
       SELECT org, 'system', 'schedule.slot_coalesced', 'scheduled_report', schedule, details
         FROM unnest($1::uuid[], $2::uuid[], $3::jsonb[]) AS u(org, schedule, details)`,
      [
        entries.map((e) => e.orgId),
        entries.map((e) => e.scheduleId),
        entries.map((e) =>
          JSON.stringify({
            reason: `the previous run is still ${e.status}; overlap_policy is coalesce`,
            slot: e.slot.toISOString(),
            in_flight_execution_id: e.executionId,
          }),
        ),
      ],
    );
  }

  async advance(advances: ScheduleAdvance[]): Promise<void> {
    if (advances.length === 0) return;
    await this.manager.query(
      `UPDATE scheduled_reports s
          SET next_run_at = u.next_run_at,
              next_slot_local = u.next_slot_local,
              next_slot_fold = u.next_slot_fold,
              last_run_at = COALESCE(u.last_run_at, s.last_run_at),
              version = s.version + 1
         FROM unnest($1::uuid[], $2::timestamptz[], $3::timestamptz[], $4::text[], $5::smallint[])
              AS u(id, next_run_at, last_run_at, next_slot_local, next_slot_fold)
        WHERE s.id = u.id`,
      [
        advances.map((a) => a.scheduleId),
        advances.map((a) => a.nextRunAt),
        advances.map((a) => a.lastRunAt),
        advances.map((a) => a.nextKey?.local ?? null),
        advances.map((a) => a.nextKey?.fold ?? null),
      ],
    );
  }

  /** Missed slots that will never run are written to the audit trail, one entry per schedule. */
  async recordSkipped(
    entries: { orgId: string; scheduleId: string; slots: Date[]; count: number }[],
  ): Promise<void> {
    if (entries.length === 0) return;
    await this.manager.query(
      `INSERT INTO audit_logs (organization_id, actor, action, resource_type, resource_id, details)
       SELECT org, 'system', 'schedule.slots_skipped', 'scheduled_report', schedule, details
         FROM unnest($1::uuid[], $2::uuid[], $3::jsonb[]) AS u(org, schedule, details)`,
      [
        entries.map((e) => e.orgId),
        entries.map((e) => e.scheduleId),
        entries.map((e) =>
          JSON.stringify({
            reason:
              'missed while the scheduler was not running; older than the grace window or superseded by a later slot',
            count: e.count,
            slots: e.slots.map((d) => d.toISOString()),
          }),
        ),
      ],
    );
  }
}
