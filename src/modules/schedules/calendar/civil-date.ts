/** A calendar date without a zone. Arithmetic is on day numbers, never on instants. */
export interface CivilDate {
  year: number;
  month: number; // 1-12
  day: number;
}

const DAY_MS = 86_400_000;
const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
const MONTHS_SHORT = MONTHS.map((m) => m.slice(0, 3));

export function dayNumber(d: CivilDate): number {
  return Date.UTC(d.year, d.month - 1, d.day) / DAY_MS;
}

export function fromDayNumber(n: number): CivilDate {
  const date = new Date(n * DAY_MS);
  return { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() };
}

export function addDays(d: CivilDate, days: number): CivilDate {
  return fromDayNumber(dayNumber(d) + days);
}

/** 1 = Monday … 7 = Sunday (ISO). */
export function isoWeekday(d: CivilDate): number {
  const sunday0 = new Date(dayNumber(d) * DAY_MS).getUTCDay();
  return sunday0 === 0 ? 7 : sunday0;
}

export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

export function formatDate(d: CivilDate): string {
  return `${d.year}-${pad(d.month)}-${pad(d.day)}`;
}

export function weekdayName(d: CivilDate): string {
  return WEEKDAYS[isoWeekday(d) % 7];
}

export function monthName(month: number): string {
  return MONTHS[month - 1];
}

export function monthShortName(month: number): string {
  return MONTHS_SHORT[month - 1];
}

export function pad(n: number): string {
  return String(n).padStart(2, '0');
}
