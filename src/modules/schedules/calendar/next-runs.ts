import { cadencePlan } from './cadence-slots';
import { clockTime, formatDay } from './civil-date';
import { cronPlan } from './cron-slots';
import type { RunSlot } from './run-slot';
import type { ScheduleConfig, ScheduledRun } from './schedule-config';
import { ZoneRules } from './zone-rules';

/**
 * How far to look past `after`, then past each run found (local days): enough for `0 9 29 2 *`
 * even across 2100, which is not a leap year. Rarer entries return fewer runs instead.
 */
export const HORIZON_DAYS = 8 * 366 + 1;

/**
 * The first `count` runs strictly after `after`, ascending and distinct, per
 * docs/api.md (Schedule semantics). Pure: no I/O, no clock. Scans local days and only the candidate times
 * of each, so one call costs a few microseconds. Throws RangeError for a config that
 * validateScheduleConfig rejects.
 */
export function nextRuns(config: ScheduleConfig, after: Date, count: number): ScheduledRun[] {
  const want = Math.floor(count);
  if (!(want >= 1)) return [];
  if (!Number.isFinite(want)) throw new RangeError('nextRuns: `count` must be finite');
  const afterMs = after.getTime();
  if (Number.isNaN(afterMs)) throw new RangeError('nextRuns: `after` is not a valid date');
  const zone = ZoneRules.of(config.timezone);
  if (!zone) throw new RangeError(`nextRuns: '${config.timezone}' is not a known time zone`);
  const plan = config.cadence === 'cron' ? cronPlan(config, zone) : cadencePlan(config, zone);
  const firstDay = zone.localDay(afterMs) - plan.lookBackDays;
  let found: RunSlot[] = [];
  let lastDay = firstDay + HORIZON_DAYS;
  for (let day = firstDay; day <= lastDay;) {
    // Runs never land before their nominal local day, so once `want` runs are earlier than
    // the day about to be scanned, no later day can improve on them.
    if (found.length >= want) {
      found = earliestDistinct(found, want);
      if (found.length >= want && found[want - 1].at < zone.dayStartBound(day)) break;
    }
    const before = found.length;
    const next = plan.slotsOn(day, afterMs, want, found);
    if (found.length > before) lastDay = day + HORIZON_DAYS; // counted from the last run found
    day = next;
  }
  return earliestDistinct(found, want).map((slot) => {
    const { local, utcOffset } = zone.localIso(slot.at);
    const run: ScheduledRun = {
      at: new Date(slot.at),
      local,
      utcOffset,
      nominalDate: formatDay(slot.nominalDay),
      slot: {
        local: `${formatDay(slot.nominalDay)}T${clockTime(slot.minute)}`,
        fold: slot.fold ?? 0,
      },
    };
    if (slot.note) run.note = slot.note;
    return run;
  });
}

/** Ascending, one slot per instant (the first found: times in one gap collapse), at most n. */
function earliestDistinct(slots: RunSlot[], n: number): RunSlot[] {
  const sorted = slots.length > 1 ? [...slots].sort((a, b) => a.at - b.at) : slots;
  const out: RunSlot[] = [];
  for (const slot of sorted) {
    if (out.length > 0 && out[out.length - 1].at === slot.at) continue;
    out.push(slot);
    if (out.length === n) break;
  }
  return out;
}
