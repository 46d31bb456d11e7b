import { nextRuns } from './calendar/schedule-calculator';
import type { ScheduleConfig } from './calendar/schedule-config';

// Windows searched backwards, growing, so sparse entries (cron 0 9 29 2 *) are found too.
const LOOKBACK_DAYS = [2, 35, 400, 1500];
const BATCH = 50;

/** The latest run instant at or before `at` (for `as_of` re-runs), or null if none in ~4 years. */
export function latestSlotAtOrBefore(config: ScheduleConfig, at: Date): Date | null {
  for (const days of LOOKBACK_DAYS) {
    const latest = latestInWindow(config, new Date(at.getTime() - days * 86_400_000), at);
    if (latest) return latest;
  }
  return null;
}

function latestInWindow(config: ScheduleConfig, from: Date, at: Date): Date | null {
  let cursor = from;
  let latest: Date | null = null;
  for (;;) {
    const batch = nextRuns(config, cursor, BATCH);
    for (const run of batch) {
      if (run.at > at) return latest;
      latest = run.at;
    }
    if (batch.length < BATCH) return latest;
    cursor = batch[batch.length - 1].at;
  }
}
