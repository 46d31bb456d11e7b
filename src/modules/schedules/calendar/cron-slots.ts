import { isBusinessDay } from './business-calendar';
import { civilFromDays, CivilDate, DAY_MS, daysInMonth, isoWeekday } from './civil-date';
import { CronExpression, cronMatchesDate, parseCron } from './cron-expression';
import { resolveFixedTime } from './fixed-time';
import type { RunSlot, SlotPlan } from './run-slot';
import { combineNotes, cronSkipNote } from './run-notes';
import type { RunNote, ScheduleConfig } from './schedule-config';
import type { ZoneRules } from './zone-rules';

const MINUTE_MS = 60_000;
const EVERY_WEEKDAY = 0b111_1111;

/** Cron cadence: the entry's times on each matching local day (docs/api.md §1.5, §1.2). */
export function cronPlan(config: ScheduleConfig, zone: ZoneRules): SlotPlan {
  const cron = parseCron(config.cron_expression ?? '');
  const calendar = config.holiday_calendar ?? undefined;
  const business = config.business_days_only === true;
  return {
    lookBackDays: 1,
    slotsOn(day, afterMs, limit, out) {
      const date = civilFromDays(day);
      const last = daysInMonth(date.year, date.month);
      if ((cron.monthMask & (1 << date.month)) === 0) return day + last - date.day + 1;
      if (!cronMatchesDate(cron, date.month, date.day, last, isoWeekday(day))) return day + 1;
      if (business && !isBusinessDay(day, calendar)) return day + 1; // dropped, never rolled
      const skipped = skippedMonths(cron, date, last);
      const skipNote = skipped.length > 0 ? cronSkipNote(cron.daysOfMonth, skipped) : undefined;
      const offset = zone.steadyOffset(day);
      if (offset !== null) steadyDay(cron.times, day, offset, afterMs, limit, skipNote, out);
      else transitionDay(cron, zone, day, afterMs, skipNote, out);
      return day + 1;
    },
  };
}

/** One offset all day: the runs are the times in order, so take only the ones needed. */
function steadyDay(
  times: number[],
  day: number,
  offset: number,
  afterMs: number,
  limit: number,
  skipNote: RunNote | undefined,
  out: RunSlot[],
): void {
  const base = day * DAY_MS - offset * MINUTE_MS;
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (base + times[mid] * MINUTE_MS > afterMs) hi = mid;
    else lo = mid + 1;
  }
  for (let i = lo; i < times.length && i < lo + limit; i += 1) {
    const slot: RunSlot = { at: base + times[i] * MINUTE_MS, nominalDay: day, minute: times[i] };
    out.push(i === 0 && skipNote ? { ...slot, note: skipNote } : slot);
  }
}

/**
 * A day near a DST change. Wildcard entries keep real-time regularity: both occurrences of a
 * repeated time, nothing for a missing one. Fixed-time entries run once: the first occurrence,
 * or the gap's end.
 */
function transitionDay(
  cron: CronExpression,
  zone: ZoneRules,
  day: number,
  afterMs: number,
  skipNote: RunNote | undefined,
  out: RunSlot[],
): void {
  const slots: RunSlot[] = [];
  for (const minuteOfDay of cron.times) {
    if (cron.wildcard) {
      const wall = zone.resolve(day * DAY_MS + minuteOfDay * MINUTE_MS);
      const slot = { nominalDay: day, minute: minuteOfDay };
      if (wall.kind === 'single') slots.push({ ...slot, at: wall.at });
      if (wall.kind === 'overlap') {
        slots.push({ ...slot, at: wall.first }, { ...slot, at: wall.second, fold: 1 });
      }
    } else {
      const run = resolveFixedTime(zone, day, minuteOfDay);
      if (run) slots.push({ ...run, nominalDay: day, minute: minuteOfDay });
    }
  }
  slots.sort((a, b) => a.at - b.at);
  if (skipNote && slots.length > 0) slots[0].note = combineNotes([skipNote, slots[0].note]);
  for (const slot of slots) if (slot.at > afterMs) out.push(slot);
}

/**
 * On the entry's first day of a month, the selected months just before it that had none of its
 * days of month (`0 9 31 * *` skips April): cron's meaning, unlike the monthly cadence's clamp.
 */
function skippedMonths(cron: CronExpression, date: CivilDate, last: number): number[] {
  if (!cron.domRestricted || cron.dowRestricted || cron.lastDayOfMonth) return [];
  if (cron.dowMask !== EVERY_WEEKDAY || firstNamedDay(cron, last) !== date.day) return [];
  const skipped: number[] = [];
  let { year, month } = date;
  for (let i = 0; i < 11; i += 1) {
    [year, month] = month === 1 ? [year - 1, 12] : [year, month - 1];
    if ((cron.monthMask & (1 << month)) === 0) continue;
    if (firstNamedDay(cron, daysInMonth(year, month)) !== null) break;
    skipped.unshift(month);
  }
  return skipped;
}

function firstNamedDay(cron: CronExpression, last: number): number | null {
  const first = cron.daysOfMonth[0];
  return first !== undefined && first <= last ? first : null;
}
