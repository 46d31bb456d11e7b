import { nonBusinessReason } from './business-calendar';
import {
  addDays,
  CivilDate,
  dayNumber,
  daysInMonth,
  formatDate,
  fromDayNumber,
  isoWeekday,
  monthName,
  monthShortName,
  weekdayName,
} from './civil-date';
import { CronExpression, parseCron } from './cron-expression';
import { RunNote, ScheduleConfig, ScheduledRun } from './schedule-config';
import { localIso, offsetMinutes, resolveWallTime, wallTimeLabel } from './zone-clock';

export { validateScheduleConfig } from './schedule-config.validator';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
/** Jumps of 3 h or more are zone corrections, not DST, and are not compensated (cronie). */
const MAX_COMPENSATED_GAP_MINUTES = 180;
/** Far enough for sparse entries such as cron `0 9 29 2 *` (five leap days: 16 years). */
const HORIZON_DAYS = 30 * 366;

interface Candidate {
  at: number;
  nominal: CivilDate;
  note?: RunNote;
}

/**
 * The first `count` run instants strictly after `after`, ascending, without duplicates,
 * exactly per schedule-semantics.md. Pure: no I/O, no clock.
 */
export function nextRuns(config: ScheduleConfig, after: Date, count: number): ScheduledRun[] {
  if (count <= 0) return [];
  const zone = config.timezone;
  const afterMs = after.getTime();
  const rolls =
    config.business_days_only && (config.cadence === 'weekly' || config.cadence === 'monthly');
  // A rolled run can land after `after` although its nominal date is before it (§1.4).
  const first = dayNumber(localDateOf(zone, afterMs)) - (rolls ? 20 : 1);
  const slotsOn = slotsFor(config);
  const found = new Map<number, Candidate>();
  for (let n = first; n <= first + HORIZON_DAYS && found.size < count; n += 1) {
    for (const candidate of slotsOn(fromDayNumber(n))) {
      if (candidate.at > afterMs && !found.has(candidate.at)) found.set(candidate.at, candidate);
    }
  }
  return [...found.values()]
    .sort((a, b) => a.at - b.at)
    .slice(0, count)
    .map((c) => toRun(zone, c));
}

function toRun(zone: string, c: Candidate): ScheduledRun {
  const { local, utcOffset } = localIso(zone, c.at);
  return {
    at: new Date(c.at),
    local,
    utcOffset,
    nominalDate: formatDate(c.nominal),
    ...(c.note ? { note: c.note } : {}),
  };
}

function slotsFor(config: ScheduleConfig): (day: CivilDate) => Candidate[] {
  switch (config.cadence) {
    case 'daily':
      return (day) =>
        config.business_days_only && nonBusinessReason(day, config.holiday_calendar)
          ? []
          : timedSlot(config, day, day);
    case 'weekly':
      return (day) =>
        isoWeekday(day) === config.day_of_week ? timedSlot(config, day, rollFor(config, day)) : [];
    case 'monthly':
      return (day) => {
        const wanted = Math.min(config.day_of_month ?? 1, daysInMonth(day.year, day.month));
        return day.day === wanted ? timedSlot(config, day, rollFor(config, day)) : [];
      };
    case 'cron': {
      const cron = parseCron(config.cron_expression ?? '');
      return (day) =>
        config.business_days_only && nonBusinessReason(day, config.holiday_calendar)
          ? []
          : cronSlots(config, cron, day);
    }
  }
}

/** Weekly and monthly runs on a non-business day roll forward to the next business day. */
function rollFor(config: ScheduleConfig, nominal: CivilDate): { date: CivilDate; note?: RunNote } {
  if (!config.business_days_only) return { date: nominal };
  const reason = nonBusinessReason(nominal, config.holiday_calendar);
  if (!reason) return { date: nominal };
  let date = addDays(nominal, 1);
  for (let i = 0; i < 60 && nonBusinessReason(date, config.holiday_calendar); i += 1)
    date = addDays(date, 1);
  const from = `${weekdayName(nominal)} ${formatDate(nominal)}`;
  const to = `${weekdayName(date)} ${formatDate(date)}`;
  return reason === 'weekend'
    ? { date, note: { code: 'business_roll', message: `${from} → ${to}` } }
    : { date, note: { code: 'holiday_roll', message: `${from} (${reason}) → ${to}` } };
}

/** One HH:MM run: on its (possibly rolled) date, the wall time resolved per §1.2. */
function timedSlot(
  config: ScheduleConfig,
  nominal: CivilDate,
  target: CivilDate | { date: CivilDate; note?: RunNote },
): Candidate[] {
  const { date, note: rollNote } = 'date' in target ? target : { date: target, note: undefined };
  const [hh, mm] = (config.time ?? '00:00').split(':').map(Number);
  const resolved = resolveFixed(config.timezone, date, hh * 60 + mm);
  if (!resolved) return [];
  const note = resolved.note ?? rollNote ?? monthEndNote(config, nominal);
  return [{ at: resolved.at, nominal, ...(note ? { note } : {}) }];
}

/** Fixed wall times: the first occurrence in an overlap, the gap's end in a (small) gap. */
function resolveFixed(
  zone: string,
  date: CivilDate,
  minuteOfDay: number,
): { at: number; note?: RunNote } | null {
  const r = resolveWallTime(zone, date, minuteOfDay);
  const wall = clock(minuteOfDay);
  if (r.kind === 'single') return { at: r.at };
  if (r.kind === 'overlap') {
    const message = `${wall} occurs twice on ${formatDate(date)}; runs once, at ${wallTimeLabel(zone, r.first)}`;
    return { at: r.first, note: { code: 'dst_overlap', message } };
  }
  if (r.gapMinutes >= MAX_COMPENSATED_GAP_MINUTES) return null;
  const message = `${wall} does not exist on ${formatDate(date)}; runs at ${wallTimeLabel(zone, r.gapEnd)}`;
  return { at: r.gapEnd, note: { code: 'dst_gap', message } };
}

function monthEndNote(config: ScheduleConfig, nominal: CivilDate): RunNote | undefined {
  if (config.cadence !== 'monthly' || (config.day_of_month ?? 0) <= nominal.day) return undefined;
  return {
    code: 'month_end',
    message: `day ${config.day_of_month} → ${monthShortName(nominal.month)} ${nominal.day}`,
  };
}

function cronSlots(config: ScheduleConfig, cron: CronExpression, day: CivilDate): Candidate[] {
  if (!cron.months.has(day.month) || !cronDayMatches(cron, day)) return [];
  const zone = config.timezone;
  const note = cronSkipNote(cron, day);
  const out: Candidate[] = [];
  // Most days have one offset throughout: then every wall time is plain arithmetic.
  const midnight = Date.UTC(day.year, day.month - 1, day.day);
  const offset = offsetMinutes(zone, midnight - 15 * HOUR);
  const steady = offset === offsetMinutes(zone, midnight + 37 * HOUR);
  for (const h of cron.hours) {
    for (const m of cron.minutes) {
      const minuteOfDay = h * 60 + m;
      if (steady) {
        out.push({ at: midnight + minuteOfDay * MINUTE - offset * MINUTE, nominal: day });
        continue;
      }
      if (cron.wildcard) {
        // Every-N entries keep real-time regularity: both occurrences of a repeated hour, nothing in a gap.
        const r = resolveWallTime(zone, day, minuteOfDay);
        if (r.kind === 'single') out.push({ at: r.at, nominal: day });
        if (r.kind === 'overlap')
          out.push({ at: r.first, nominal: day }, { at: r.second, nominal: day });
        continue;
      }
      const resolved = resolveFixed(zone, day, minuteOfDay);
      if (resolved)
        out.push({
          at: resolved.at,
          nominal: day,
          ...(resolved.note ? { note: resolved.note } : {}),
        });
    }
  }
  if (note && out.length > 0) {
    out.sort((a, b) => a.at - b.at);
    out[0] = { ...out[0], note: out[0].note ?? note };
  }
  return out;
}

/** Day-of-month and day-of-week combine with OR when both are restricted (§1.5). */
function cronDayMatches(cron: CronExpression, day: CivilDate): boolean {
  const last = daysInMonth(day.year, day.month);
  const dom = cron.daysOfMonth.has(day.day) || (cron.lastDayOfMonth && day.day === last);
  const dow = cron.daysOfWeek.has(isoWeekday(day) % 7);
  // A field whose text begins with `*` still filters (`*/2`), but only ANDs with the other.
  return cron.domRestricted && cron.dowRestricted ? dom || dow : dom && dow;
}

/** On the first run after a selected month that had none of the cron's days (cron `31`). */
function cronSkipNote(cron: CronExpression, day: CivilDate): RunNote | undefined {
  if (!cron.domRestricted || cron.dowRestricted || cron.lastDayOfMonth) return undefined;
  const firstMatchThisMonth = [...cron.daysOfMonth]
    .filter((d) => d <= daysInMonth(day.year, day.month))
    .sort((a, b) => a - b)[0];
  if (firstMatchThisMonth !== day.day) return undefined;
  const prev =
    day.month === 1 ? { year: day.year - 1, month: 12 } : { year: day.year, month: day.month - 1 };
  if (!cron.months.has(prev.month)) return undefined;
  const prevDays = daysInMonth(prev.year, prev.month);
  if ([...cron.daysOfMonth].some((d) => d <= prevDays)) return undefined;
  const wanted = Math.min(...cron.daysOfMonth);
  return {
    code: 'cron_skips_month',
    message: `no day ${wanted} in ${monthName(prev.month)}; cron skips that month`,
  };
}

function localDateOf(zone: string, ms: number): CivilDate {
  const local = new Date(ms + offsetMinutes(zone, ms) * MINUTE);
  return { year: local.getUTCFullYear(), month: local.getUTCMonth() + 1, day: local.getUTCDate() };
}

function clock(minuteOfDay: number): string {
  return `${String(Math.floor(minuteOfDay / 60)).padStart(2, '0')}:${String(minuteOfDay % 60).padStart(2, '0')}`;
}
