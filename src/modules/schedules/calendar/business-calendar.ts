import Holidays from 'date-holidays';
import { CivilDate, formatDate, isoWeekday } from './civil-date';

const countries = Object.keys(new Holidays().getCountries());
const publicHolidays = new Map<string, Map<string, string>>();

/**
 * Checks a holiday calendar name: a country code (`US`, `GB`, `DE`) or country-state
 * (`US-CA`, `DE-BY`) that the date-holidays package knows. Returns a problem or null.
 */
export function holidayCalendarProblem(calendar: string): string | null {
  const [country, state, extra] = calendar.toUpperCase().split('-');
  if (extra !== undefined || !countries.includes(country)) {
    return `'${calendar}' is not a known holiday calendar (use a country code such as US, GB or DE, or US-CA)`;
  }
  if (state !== undefined) {
    const states = Object.keys(new Holidays().getStates(country) ?? {});
    if (!states.includes(state)) return `'${calendar}' is not a known state of ${country}`;
  }
  return null;
}

/** Public holidays (type 'public' only) of a calendar for a year, by local date. */
function holidaysOf(calendar: string, year: number): Map<string, string> {
  const key = `${calendar}|${year}`;
  let days = publicHolidays.get(key);
  if (!days) {
    const [country, state] = calendar.toUpperCase().split('-');
    const source = state ? new Holidays(country, state) : new Holidays(country);
    days = new Map();
    for (const holiday of source.getHolidays(year) || []) {
      if (holiday.type === 'public' && !days.has(holiday.date.slice(0, 10))) {
        days.set(holiday.date.slice(0, 10), holiday.name);
      }
    }
    publicHolidays.set(key, days);
  }
  return days;
}

/** Why a date is not a business day (weekend, or the holiday's name), or null when it is one. */
export function nonBusinessReason(date: CivilDate, calendar?: string): string | null {
  if (isoWeekday(date) >= 6) return 'weekend';
  if (!calendar) return null;
  return holidaysOf(calendar, date.year).get(formatDate(date)) ?? null;
}
