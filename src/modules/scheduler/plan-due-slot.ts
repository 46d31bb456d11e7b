import { nextRuns } from 'src/modules/schedules/calendar/schedule-calculator';
import type { ScheduleConfig } from 'src/modules/schedules/calendar/schedule-config';

/** What to do with a schedule whose stored next_run_at has come. */
export interface DuePlan {
  /** The slot to run now, or null when every missed slot is older than the grace window. */
  run: Date | null;
  /** Missed slots that will not run (recorded, never run late). At most MAX_RECORDED. */
  skipped: Date[];
  /** How many slots were skipped in all (may exceed `skipped.length`). */
  skippedCount: number;
  /** The next slot after the one run (or after now), computed from the slot, not from "now". */
  nextRunAt: Date | null;
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
): DuePlan {
  const missed: Date[] = [];
  let latest = slot;
  let skippedCount = 0;
  let scanned = 0;
  let following: Date | null = null;
  for (;;) {
    following = nextRuns(config, latest, 1)[0]?.at ?? null;
    if (!following || following > now || scanned >= MAX_SCAN) break;
    skippedCount += 1;
    if (missed.length < MAX_RECORDED) missed.push(latest);
    latest = following;
    scanned += 1;
  }
  const cutoff = now.getTime() - graceMs;
  if (latest.getTime() < cutoff) {
    // Even the latest missed slot is too old: skip it too and wait for the next one.
    if (missed.length < MAX_RECORDED) missed.push(latest);
    return {
      run: null,
      skipped: missed,
      skippedCount: skippedCount + 1,
      nextRunAt: nextRuns(config, now, 1)[0]?.at ?? null,
    };
  }
  // The loop already computed the slot after `latest` (the one past `now`).
  return {
    run: latest,
    skipped: missed,
    skippedCount,
    nextRunAt:
      following && following > now ? following : (nextRuns(config, latest, 1)[0]?.at ?? null),
  };
}
