import {
  compareSlotKeys,
  nextRuns,
  runOnOrAfter,
  slotKeyAt,
} from 'src/modules/schedules/calendar/schedule-calculator';
import type { ScheduleConfig, SlotKey } from 'src/modules/schedules/calendar/schedule-config';

/** What to do with a schedule whose stored next_run_at has come. */
export interface DuePlan {
  /** The slot to run now, or null when every missed slot is older than the grace window. */
  run: Date | null;
  /** The run's nominal local time: its identity, which a tz data change cannot move. */
  runKey: SlotKey | null;
  /** Missed slots that will not run (recorded, never run late). At most MAX_RECORDED. */
  skipped: Date[];
  /** How many slots were skipped in all (may exceed `skipped.length`). */
  skippedCount: number;
  /** The next slot after the one run (or after now), computed from the slot, not from "now". */
  nextRunAt: Date | null;
  nextKey: SlotKey | null;
}

const MAX_RECORDED = 100;
// Past this many missed slots (e.g. a 5-minute cron down for 70 days) the rest are skipped too.
const MAX_SCAN = 20_000;

/**
 * Misfire policy (docs/api.md §1.6): run the latest missed slot once if it is within the
 * grace window, record the older ones as skipped. In the normal case (found on time) the
 * plan is simply: run `slot`, next = the slot after it.
 */
export function planDueSlot(
  config: ScheduleConfig,
  slot: Date,
  now: Date,
  graceMs: number,
  slotKey: SlotKey | null = null,
): DuePlan {
  const missed: Date[] = [];
  let latest = { at: slot, slot: slotKey ?? slotKeyAt(config, slot) };
  let skippedCount = 0;
  let scanned = 0;
  let following: Planned | null = null;
  for (;;) {
    following = runAfter(config, latest);
    if (!following || following.at > now || scanned >= MAX_SCAN) break;
    skippedCount += 1;
    if (missed.length < MAX_RECORDED) missed.push(latest.at);
    latest = following;
    scanned += 1;
  }
  const cutoff = now.getTime() - graceMs;
  if (latest.at.getTime() < cutoff) {
    // Even the latest missed slot is too old: skip it too and wait for the next one.
    if (missed.length < MAX_RECORDED) missed.push(latest.at);
    const next = nextRuns(config, now, 1)[0] ?? null;
    return {
      run: null,
      runKey: null,
      skipped: missed,
      skippedCount: skippedCount + 1,
      nextRunAt: next?.at ?? null,
      nextKey: next?.slot ?? null,
    };
  }
  // The loop already computed the slot after `latest` (the one past `now`).
  const next = following && following.at > now ? following : runAfter(config, latest);
  return {
    run: latest.at,
    runKey: latest.slot,
    skipped: missed,
    skippedCount,
    nextRunAt: next?.at ?? null,
    nextKey: next?.slot ?? null,
  };
}

interface Planned {
  at: Date;
  slot: SlotKey;
}

/**
 * The run after `slot`, by instant and by nominal time: where a tz data change moved `slot`
 * later, the same nominal slot at its new instant is not its own successor.
 */
function runAfter(config: ScheduleConfig, slot: Planned): Planned | null {
  const [first] = nextRuns(config, slot.at, 1);
  if (!first || compareSlotKeys(first.slot, slot.slot) > 0) return first ?? null;
  // The slot moved later under newer tz data: look past its new instant by nominal time
  // (fold + 1: just past every occurrence of this wall time so far).
  return runOnOrAfter(config, { local: slot.slot.local, fold: (slot.slot.fold + 1) as 0 | 1 });
}
