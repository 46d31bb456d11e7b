import { nonBusinessReason } from './business-calendar';
import { civilFromDays, daysInMonth, isoWeekday } from './civil-date';
import { resolveFixedTime } from './fixed-time';
import type { RunSlot, SlotPlan } from './run-slot';
import { combineNotes, monthEndNote, rollNote } from './run-notes';
import type { RunNote, ScheduleConfig } from './schedule-config';
import type { ZoneRules } from './zone-rules';

/** A roll that finds no business day within this many days drops the run. */
const MAX_ROLL_DAYS = 31;

/** Daily, weekly and monthly cadences: one HH:MM run per nominal date (docs/api.md §1.3, §1.4). */
export function cadencePlan(config: ScheduleConfig, zone: ZoneRules): SlotPlan {
  const minuteOfDay = parseTime(config.time);
  const business = config.business_days_only === true;
  const calendar = business ? (config.holiday_calendar ?? undefined) : undefined;

  const add = (nominal: number, afterMs: number, out: RunSlot[], earlier?: RunNote) => {
    let runDay = nominal;
    let rolled: RunNote | undefined;
    if (business && config.cadence !== 'daily') {
      const roll = rollForward(nominal, calendar);
      if (!roll) return;
      ({ day: runDay, note: rolled } = roll);
    } else if (business && nonBusinessReason(nominal, calendar)) {
      return; // daily drops: the next business day has its own run
    }
    const run = resolveFixedTime(zone, runDay, minuteOfDay);
    if (!run || run.at <= afterMs) return;
    const note =
      earlier || rolled || run.note ? combineNotes([earlier, rolled, run.note]) : undefined;
    const slot: RunSlot = { at: run.at, nominalDay: nominal, minute: minuteOfDay };
    out.push(note ? { ...slot, note } : slot);
  };

  switch (config.cadence) {
    case 'daily':
      return {
        lookBackDays: 1,
        slotsOn: (day, afterMs, _limit, out) => {
          add(day, afterMs, out);
          return day + 1;
        },
      };
    case 'weekly': {
      const weekday = requireInt(config.day_of_week, 1, 7, 'day_of_week');
      return {
        lookBackDays: business ? MAX_ROLL_DAYS + 1 : 1,
        slotsOn: (day, afterMs, _limit, out) => {
          const ahead = (weekday - isoWeekday(day) + 7) % 7;
          if (ahead > 0) return day + ahead;
          add(day, afterMs, out);
          return day + 7;
        },
      };
    }
    case 'monthly': {
      const dayOfMonth = requireInt(config.day_of_month, 1, 31, 'day_of_month');
      return {
        lookBackDays: business ? MAX_ROLL_DAYS + 1 : 1,
        slotsOn: (day, afterMs, _limit, out) => {
          const date = civilFromDays(day);
          const last = daysInMonth(date.year, date.month);
          const target = Math.min(dayOfMonth, last); // 31 → Feb 28/29, Apr 30 (docs/api.md §1.3)
          if (date.day < target) return day + target - date.day;
          if (date.day === target) {
            add(
              day,
              afterMs,
              out,
              dayOfMonth > last ? monthEndNote(dayOfMonth, date.month, last) : undefined,
            );
          }
          return day + last - date.day + 1;
        },
      };
    }
    default:
      throw new RangeError(`cadencePlan: '${config.cadence}' is not an HH:MM cadence`);
  }
}

/** Weekly and monthly: a non-business nominal date rolls to the next business day ("following"). */
function rollForward(nominal: number, calendar?: string): { day: number; note?: RunNote } | null {
  const reason = nonBusinessReason(nominal, calendar);
  if (!reason) return { day: nominal };
  const crossed: string[] = [];
  for (let day = nominal + 1; day <= nominal + MAX_ROLL_DAYS; day += 1) {
    const why = nonBusinessReason(day, calendar);
    if (!why) return { day, note: rollNote(nominal, reason, day, crossed) };
    if (why.kind === 'holiday' && !crossed.includes(why.name)) crossed.push(why.name);
  }
  return null;
}

const HH_MM = /^([01]\d|2[0-3]):([0-5]\d)$/;
const parsedTimes = new Map<string, number>(); // at most 1440 entries

function parseTime(time: string | null | undefined): number {
  let minuteOfDay = parsedTimes.get(time as string);
  if (minuteOfDay === undefined) {
    const match = HH_MM.exec(time ?? '');
    if (!match) throw new RangeError(`nextRuns: time '${time}' is not HH:MM`);
    minuteOfDay = Number(match[1]) * 60 + Number(match[2]);
    parsedTimes.set(time as string, minuteOfDay);
  }
  return minuteOfDay;
}

function requireInt(value: unknown, min: number, max: number, field: string): number {
  if (!Number.isInteger(value) || (value as number) < min || (value as number) > max) {
    throw new RangeError(`nextRuns: ${field} ${String(value)} is not an integer ${min}-${max}`);
  }
  return value as number;
}
