/** A parsed five-field cron entry of the v1 dialect (docs/api.md §1.5). */
export interface CronExpression {
  /** Minutes of the day (hour × 60 + minute) the entry names, ascending. */
  times: number[];
  minutes: number[];
  hours: number[];
  /** Days of month 1–31 named by number. */
  daysOfMonth: number[];
  /** `L`: the last day of each month. */
  lastDayOfMonth: boolean;
  months: number[];
  /** 0 = Sunday … 6 = Saturday (7 is folded into 0). */
  daysOfWeek: number[];
  /** A field is restricted unless its text begins with `*` (Vixie/cronie DOM_STAR, DOW_STAR). */
  domRestricted: boolean;
  dowRestricted: boolean;
  /** Minute or hour text begins with `*`: real-time regularity across DST, no gap runs (docs/api.md §1.2). */
  wildcard: boolean;
  /** Bit masks of months (bit 1–12), days of month (bit 1–31) and weekdays (bit 0–6). */
  monthMask: number;
  domMask: number;
  dowMask: number;
}

/**
 * A cron expression outside the v1 dialect; the message names the field and the reason. The
 * console puts "<name> field '…'" beside that field's input (web/src/cron-errors.ts).
 */
export class CronParseError extends Error {}

interface FieldSpec {
  name: string;
  min: number;
  max: number;
  names?: string[];
}

const MONTH_NAMES = [
  'JAN',
  'FEB',
  'MAR',
  'APR',
  'MAY',
  'JUN',
  'JUL',
  'AUG',
  'SEP',
  'OCT',
  'NOV',
  'DEC',
];
const DAY_NAMES = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];
const MINUTE: FieldSpec = { name: 'minute', min: 0, max: 59 };
const HOUR: FieldSpec = { name: 'hour', min: 0, max: 23 };
const DOM: FieldSpec = { name: 'day-of-month', min: 1, max: 31 };
const MONTH: FieldSpec = { name: 'month', min: 1, max: 12, names: ['', ...MONTH_NAMES] };
const DOW: FieldSpec = { name: 'day-of-week', min: 0, max: 7, names: DAY_NAMES };
const MAX_CACHED = 10_000;
const cache = new Map<string, CronExpression>();

/** Parses (cached per expression text); throws CronParseError naming the field and the problem. */
export function parseCron(expression: string): CronExpression {
  let parsed = cache.get(expression);
  if (!parsed) {
    parsed = parse(expression);
    if (cache.size >= MAX_CACHED) cache.clear();
    cache.set(expression, parsed);
  }
  return parsed;
}

function parse(expression: string): CronExpression {
  const text = String(expression).trim();
  if (text.startsWith('@')) {
    throw new CronParseError(
      `macros such as ${text.split(/\s/)[0]} are not supported; write the 5 fields`,
    );
  }
  const fields = text === '' ? [] : text.split(/\s+/);
  if (fields.length !== 5) {
    throw new CronParseError(
      `needs exactly 5 fields (minute hour day-of-month month day-of-week), got ${fields.length}` +
        (fields.length > 5 ? ': seconds and year fields are not supported' : ''),
    );
  }
  const [minuteText, hourText, domText, monthText, dowText] = fields;
  const minutes = parseField(minuteText, MINUTE);
  const hours = parseField(hourText, HOUR);
  let lastDayOfMonth = false;
  const daysOfMonth = parseField(domText, DOM, () => (lastDayOfMonth = true));
  const months = parseField(monthText, MONTH);
  const daysOfWeek = [...new Set(parseField(dowText, DOW).map((d) => d % 7))].sort((a, b) => a - b);
  const times = hours.flatMap((h) => minutes.map((m) => h * 60 + m));
  return {
    times,
    minutes,
    hours,
    daysOfMonth,
    lastDayOfMonth,
    months,
    daysOfWeek,
    domRestricted: !domText.startsWith('*'),
    dowRestricted: !dowText.startsWith('*'),
    wildcard: minuteText.startsWith('*') || hourText.startsWith('*'),
    monthMask: mask(months),
    domMask: mask(daysOfMonth),
    dowMask: mask(daysOfWeek),
  };
}

/** A comma list of `*`, `N`, `A-B`, `*\/S`, `A-B/S`; returns the sorted distinct values. */
function parseField(text: string, spec: FieldSpec, onLastDay?: () => void): number[] {
  const values = new Set<number>();
  for (const item of text.split(',')) {
    const fail = (why: string) => new CronParseError(`${spec.name} field '${text}': ${why}`);
    if (item === '') throw fail('empty list item');
    if (onLastDay && item.toUpperCase() === 'L') {
      onLastDay();
      continue;
    }
    if (item.includes('?')) throw fail("'?' is not supported (use *)");
    if (item.includes('#')) throw fail("'#' (nth weekday of the month) is not supported");
    if (spec === DOM && /W/i.test(item)) throw fail("'W' (nearest weekday) is not supported");
    if (/L/i.test(item) && spec !== MONTH) {
      throw fail(
        spec === DOM
          ? "only a plain 'L' (the last day of the month) is supported"
          : "'L' is only supported alone in the day-of-month field",
      );
    }
    const [range, stepText, extra] = item.split('/');
    if (extra !== undefined) throw fail(`'${item}' has more than one '/'`);
    let step = 1;
    if (stepText !== undefined) {
      if (!/^\d+$/.test(stepText) || Number(stepText) < 1) {
        throw fail(`'${item}' needs a whole step of at least 1 after '/'`);
      }
      step = Number(stepText);
    }
    let from: number;
    let to: number;
    if (range === '*') {
      [from, to] = [spec.min, spec === DOW ? 6 : spec.max];
    } else if (range.includes('-')) {
      const bounds = range.split('-');
      if (bounds.length !== 2) throw fail(`'${range}' is not a range A-B`);
      from = value(bounds[0], spec, fail);
      to = value(bounds[1], spec, fail);
      if (spec === DOW && to === 0 && from > 0) to = 7; // FRI-SUN
      if (from > to) throw fail(`range '${range}' runs backwards`);
    } else if (stepText !== undefined) {
      throw fail(
        `'${item}': 'N/S' is not supported; write '${range}-${spec.max}/${step}' or '*/${step}'`,
      );
    } else {
      from = to = value(range, spec, fail);
    }
    for (let v = from; v <= to; v += step) values.add(v);
  }
  return [...values].sort((a, b) => a - b);
}

function value(text: string, spec: FieldSpec, fail: (why: string) => Error): number {
  const named = spec.names?.indexOf(text.toUpperCase()) ?? -1;
  if (named > 0 || (named === 0 && spec === DOW)) return named;
  if (!/^\d+$/.test(text)) {
    throw fail(`'${text}' is not a number${spec.names ? ' or a name' : ''}`);
  }
  const n = Number(text);
  if (n < spec.min || n > spec.max) throw fail(`${n} is out of range ${spec.min}-${spec.max}`);
  return n;
}

function mask(values: number[]): number {
  return values.reduce((bits, v) => bits | (1 << v), 0);
}

/** Whether the entry names this date: day-of-month OR day-of-week when both are restricted. */
export function cronMatchesDate(
  cron: CronExpression,
  month: number,
  day: number,
  lastDay: number,
  isoWeekday: number,
): boolean {
  if ((cron.monthMask & (1 << month)) === 0) return false;
  const dom = (cron.domMask & (1 << day)) !== 0 || (cron.lastDayOfMonth && day === lastDay);
  const dow = (cron.dowMask & (1 << (isoWeekday % 7))) !== 0;
  return cron.domRestricted && cron.dowRestricted ? dom || dow : dom && dow;
}

/** The shortest wall-clock interval between two consecutive times, across midnight too. */
export function shortestWallInterval(cron: CronExpression): {
  minutes: number;
  from: number;
  to: number;
} {
  const { times } = cron;
  const last = times.length - 1;
  let best = { minutes: 1440 - times[last] + times[0], from: times[last], to: times[0] };
  // Within the day first, so ties name the earliest pair (00:00 and 00:02, not 23:58 and 00:00).
  for (let i = last; i >= 1; i -= 1) {
    if (times[i] - times[i - 1] <= best.minutes) {
      best = { minutes: times[i] - times[i - 1], from: times[i - 1], to: times[i] };
    }
  }
  return best;
}
