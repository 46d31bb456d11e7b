import Holidays from 'date-holidays';
import { civilFromDays, daysFromCivil, DAY_MS, isoWeekday } from './civil-date';

/** Why a date is not a business day. */
export type NonBusinessReason = { kind: 'weekend' } | { kind: 'holiday'; name: string };

const WEEKEND: NonBusinessReason = { kind: 'weekend' };
const MAX_CACHED_YEARS = 2_000;
// Holidays by day number, per "CALENDAR|year": date-holidays takes ~10 ms to compute a year.
const holidaysByYear = new Map<string, Map<number, string>>();
let countries: Set<string> | undefined;

/**
 * Checks a holiday calendar: a country code (`US`, `GB`, `DE`) or country-state (`US-CA`,
 * `DE-BY`) that date-holidays supports. Returns what is wrong, or null.
 */
export function holidayCalendarProblem(calendar: string): string | null {
  countries ??= new Set(Object.keys(new Holidays().getCountries()));
  const [country, state, extra] = calendar.toUpperCase().split('-');
  if (extra !== undefined || !countries.has(country)) {
    return `'${calendar}' is not a known holiday calendar (a country code such as US, GB or DE, or country-state such as US-CA)`;
  }
  if (state !== undefined && !(state in (new Holidays().getStates(country) ?? {}))) {
    return `'${calendar}': ${state} is not a state of ${country} known to the holiday calendar`;
  }
  return null;
}

/** True on Monday–Friday that is not a public holiday of `calendar`. */
export function isBusinessDay(day: number, calendar?: string): boolean {
  return nonBusinessReason(day, calendar) === null;
}

export function nonBusinessReason(day: number, calendar?: string): NonBusinessReason | null {
  if (isoWeekday(day) >= 6) return WEEKEND;
  if (!calendar) return null;
  const name = holidaysOf(calendar, civilFromDays(day).year).get(day);
  return name === undefined ? null : { kind: 'holiday', name };
}

/** The public holidays of one year, keyed by local day number, with English names. */
function holidaysOf(calendar: string, year: number): Map<number, string> {
  const key = `${calendar.toUpperCase()}|${year}`;
  let days = holidaysByYear.get(key);
  if (!days) {
    days = new Map();
    // A holiday may span days and start in the year before (e.g. from Dec 31).
    const holidays = [year - 1, year].flatMap((y) => source(calendar).getHolidays(y) || []);
    for (const holiday of holidays) {
      // Only full-day public holidays count: a half day from 12:00 keeps the day a business day.
      if (holiday.type !== 'public' || holiday.date.slice(11, 19) !== '00:00:00') continue;
      const first = daysFromCivil(
        Number(holiday.date.slice(0, 4)),
        Number(holiday.date.slice(5, 7)),
        Number(holiday.date.slice(8, 10)),
      );
      const span = Math.max(
        1,
        Math.floor((holiday.end.getTime() - holiday.start.getTime()) / DAY_MS + 0.25),
      );
      for (let d = first; d < first + span; d += 1) {
        if (civilFromDays(d).year === year && !days.has(d)) days.set(d, holiday.name);
      }
    }
    if (holidaysByYear.size >= MAX_CACHED_YEARS) holidaysByYear.clear();
    holidaysByYear.set(key, days);
  }
  return days;
}

const sources = new Map<string, Holidays>();

function source(calendar: string): Holidays {
  const key = calendar.toUpperCase();
  let holidays = sources.get(key);
  if (!holidays) {
    const [country, state] = key.split('-');
    const options = { languages: ['en'] };
    holidays = state ? new Holidays(country, state, options) : new Holidays(country, options);
    sources.set(key, holidays);
  }
  return holidays;
}

/** A holiday calendar `holiday_calendar` accepts: a country, or a state of one. */
export interface HolidayCalendar {
  code: string;
  name: string;
}

let calendars: HolidayCalendar[] | undefined;

/** Every calendar `holidayCalendarProblem` accepts, countries by name, each followed by its states. */
export function listHolidayCalendars(): HolidayCalendar[] {
  if (!calendars) {
    const holidays = new Holidays();
    const byName = Object.entries(holidays.getCountries('en')).sort(([, a], [, b]) =>
      a.localeCompare(b, 'en'),
    );
    calendars = byName.flatMap(([code, name]) => [
      { code, name },
      ...Object.entries(holidays.getStates(code, 'en') ?? {}).map(([state, stateName]) => ({
        code: `${code}-${state}`,
        name: `${name}: ${stateName}`,
      })),
    ]);
  }
  return calendars;
}
