import { Injectable, Logger } from '@nestjs/common';
import { Clock } from 'src/common/clock';
import {
  runOnOrAfter,
  slotKeyAt,
  tzdataVersion,
} from 'src/modules/schedules/calendar/schedule-calculator';
import type { SlotKey } from 'src/modules/schedules/calendar/schedule-config';
import { PendingSlot, SlotMove, TzdataRepository } from './tzdata.repository';

const BATCH = 500;

/**
 * Keeps next_run_at true to the tz database this process reads. A tz update can move a slot's
 * instant; the slot itself (its nominal local time) stays, so each schedule's pending slot is
 * found again by its key and given its new instant: none is skipped or repeated. Only a newer
 * version than the recorded one recomputes, so processes of a rolling deploy do not take turns.
 */
@Injectable()
export class TzdataSyncService {
  private readonly logger = new Logger(TzdataSyncService.name);

  constructor(
    private readonly repository: TzdataRepository,
    private readonly clock: Clock,
  ) {}

  /** Recomputes if this process's tz data is newer than the recorded; the count moved. */
  async syncIfChanged(): Promise<number> {
    const mine = tzdataVersion();
    if (this.isCurrent(await this.repository.recordedVersion(), mine)) return 0;
    return this.repository.exclusively(async (tx, recorded) => {
      if (this.isCurrent(recorded, mine)) return 0; // another scheduler was first
      const now = await tx.databaseNow(this.clock);
      let count = 0;
      for (let afterId = '00000000-0000-0000-0000-000000000000'; ;) {
        const batch = await tx.pendingAfter(afterId, now, BATCH);
        const moves = batch.map((s) => this.recomputed(s)).filter((m): m is SlotMove => !!m);
        await tx.move(moves);
        count += moves.length;
        if (batch.length < BATCH) break;
        afterId = batch[batch.length - 1].id;
      }
      await tx.record(mine);
      this.logger.log(`tz data ${recorded ?? 'unrecorded'} → ${mine}: ${count} next run(s) moved`);
      return count;
    });
  }

  private isCurrent(recorded: string | null, mine: string): boolean {
    return recorded !== null && recorded >= mine;
  }

  /** The pending slot at its instant under the current data; null when nothing changes. */
  private recomputed(schedule: PendingSlot): SlotMove | null {
    try {
      const at = new Date(schedule.next_run_at);
      const key: SlotKey =
        schedule.next_slot_local === null
          ? slotKeyAt(schedule.schedule_config, at)
          : { local: schedule.next_slot_local, fold: schedule.next_slot_fold === 1 ? 1 : 0 };
      const run = runOnOrAfter(schedule.schedule_config, key);
      const nextRunAt = run?.at ?? null;
      const unchanged =
        nextRunAt?.getTime() === at.getTime() &&
        run?.slot.local === schedule.next_slot_local &&
        run?.slot.fold === schedule.next_slot_fold;
      if (unchanged) return null;
      return {
        id: schedule.id,
        nextRunAt,
        local: run?.slot.local ?? null,
        fold: run?.slot.fold ?? null,
      };
    } catch (error) {
      // A zone the new data no longer knows: left as it is, to be fixed by an edit.
      this.logger.warn(
        `schedule ${schedule.id}: next run not recomputed: ${(error as Error).message}`,
      );
      return null;
    }
  }
}
