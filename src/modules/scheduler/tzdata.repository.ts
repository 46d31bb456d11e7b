import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { Clock } from 'src/common/clock';
import { databaseNow } from 'src/database/database-now';
import type { ScheduleConfig } from 'src/modules/schedules/calendar/schedule-config';

export interface PendingSlot {
  id: string;
  schedule_config: ScheduleConfig;
  next_run_at: Date;
  next_slot_local: string | null;
  next_slot_fold: number | null;
}

export interface SlotMove {
  id: string;
  nextRunAt: Date | null;
  local: string | null;
  fold: number | null;
}

/** The recorded tz data version and the pending slots it was used for. */
@Injectable()
export class TzdataRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The recorded version, read without waiting: a tick checks it every time. */
  async recordedVersion(): Promise<string | null> {
    const [row] = await this.dataSource.query(`SELECT version FROM tzdata_state WHERE id = 1`);
    return (row?.version as string | undefined) ?? null;
  }

  /** Runs `work` as the only recomputation across all schedulers, with the recorded version. */
  exclusively<T>(work: (tx: TzdataTx, recorded: string | null) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(async (manager) => {
      await manager.query(`SELECT pg_advisory_xact_lock(hashtextextended('tzdata_state', 0))`);
      const [row] = await manager.query(`SELECT version FROM tzdata_state WHERE id = 1`);
      return work(new TzdataTx(manager), (row?.version as string | undefined) ?? null);
    });
  }
}

export class TzdataTx {
  constructor(private readonly manager: EntityManager) {}

  databaseNow(clock: Clock): Promise<Date> {
    return databaseNow(this.manager, clock);
  }

  /**
   * The next `limit` active schedules after `afterId`, locked against a claim meanwhile: every
   * pending slot with a stored nominal time, and the rest (a due slot kept across an edit has
   * none yet) while not due; a due one is left to the claim, which reads its key itself.
   */
  pendingAfter(afterId: string, now: Date, limit: number): Promise<PendingSlot[]> {
    return this.manager.query(
      `SELECT id, schedule_config, next_run_at, next_slot_local, next_slot_fold
         FROM scheduled_reports
        WHERE id > $1 AND status = 'active' AND deleted_at IS NULL AND next_run_at IS NOT NULL
          AND (next_slot_local IS NOT NULL OR next_run_at > $2)
        ORDER BY id
        LIMIT $3
        FOR UPDATE`,
      [afterId, now, limit],
    );
  }

  async move(moves: SlotMove[]): Promise<void> {
    if (moves.length === 0) return;
    await this.manager.query(
      `UPDATE scheduled_reports s
          SET next_run_at = u.next_run_at, next_slot_local = u.local, next_slot_fold = u.fold,
              version = s.version + 1
         FROM unnest($1::uuid[], $2::timestamptz[], $3::text[], $4::smallint[])
              AS u(id, next_run_at, local, fold)
        WHERE s.id = u.id`,
      [
        moves.map((m) => m.id),
        moves.map((m) => m.nextRunAt),
        moves.map((m) => m.local),
        moves.map((m) => m.fold),
      ],
    );
  }

  async record(version: string): Promise<void> {
    await this.manager.query(
      `INSERT INTO tzdata_state (id, version) VALUES (1, $1)
       ON CONFLICT (id) DO UPDATE SET version = EXCLUDED.version, updated_at = now()`,
      [version],
    );
  }
}
