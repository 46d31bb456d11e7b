import moment from 'moment-timezone';
import { nextRuns } from './next-runs';
import type { ScheduleConfig, ScheduledRun, SlotKey } from './schedule-config';
import { ZoneRules } from './zone-rules';

const HOUR_MS = 3_600_000;
const BATCH = 64;
// A run lies at most a business-day roll (31 days) and a UTC offset (15 h) from its nominal time.
const MAX_LAG_MS = 32 * 24 * HOUR_MS;

/** The version of the tz database the calendar reads ("2025b"). */
export function tzdataVersion(): string {
  return moment.tz.dataVersion;
}

/** Orders slot keys as their nominal local times (the string format sorts as it reads). */
export function compareSlotKeys(a: SlotKey, b: SlotKey): number {
  if (a.local !== b.local) return a.local < b.local ? -1 : 1;
  return a.fold - b.fold;
}

/**
 * The key of the slot at instant `at`, read with the current tz data: the run there if there is
 * one, else the wall time `at` shows (for a stored instant no run of the config matches).
 */
export function slotKeyAt(config: ScheduleConfig, at: Date): SlotKey {
  const [run] = nextRuns(config, new Date(at.getTime() - 1), 1);
  if (run && run.at.getTime() === at.getTime()) return run.slot;
  const zone = ZoneRules.of(config.timezone);
  if (!zone) throw new RangeError(`slotKeyAt: '${config.timezone}' is not a known time zone`);
  return { local: zone.localIso(at.getTime()).local.slice(0, 16), fold: 0 };
}

/**
 * The first run whose nominal local time is `key` or later, at the instant the current tz data
 * gives it: how a pending slot is found again after a tz database change moved it.
 */
export function runOnOrAfter(config: ScheduleConfig, key: SlotKey): ScheduledRun | null {
  const nominalMs = Date.parse(`${key.local}:00Z`);
  if (Number.isNaN(nominalMs)) throw new RangeError(`runOnOrAfter: bad slot '${key.local}'`);
  let after = new Date(nominalMs - 15 * HOUR_MS);
  while (after.getTime() <= nominalMs + MAX_LAG_MS) {
    const runs = nextRuns(config, after, BATCH);
    const found = runs.find((run) => compareSlotKeys(run.slot, key) >= 0);
    if (found || runs.length < BATCH) return found ?? null;
    after = runs[runs.length - 1].at;
  }
  return null;
}
