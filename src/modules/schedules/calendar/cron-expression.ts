/** A parsed five-field cron entry of the v1 dialect (semantics §1.5). */
export interface CronExpression {
  minutes: number[];
  hours: number[];
  /** Days of month 1–31. */
  daysOfMonth: Set<number>;
  /** `L`: the last day of the month. */
  lastDayOfMonth: boolean;
  months: Set<number>;
  /** 0 = Sunday … 6 = Saturday. */
  daysOfWeek: Set<number>;
  /** A field counts as restricted unless its text begins with `*` (Vixie/cronie). */
  domRestricted: boolean;
  dowRestricted: boolean;
  /** Minute or hour field begins with `*`: runs at real-time regularity across DST (§1.2). */
  wildcard: boolean;
}

export class CronParseError extends Error {}

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

interface FieldSpec {
  name: string;
  min: number;
  max: number;
  names?: string[];
  namesStart?: number;
}

const FIELDS: FieldSpec[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day-of-month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: MONTH_NAMES, namesStart: 1 },
  { name: 'day-of-week', min: 0, max: 7, names: DAY_NAMES, namesStart: 0 },
];

const cache = new Map<string, CronExpression>();

/** Parses and caches; throws CronParseError naming the field and the problem. */
export function parseCron(expression: string): CronExpression {
  const cached = cache.get(expression);
  if (cached) return cached;
  const fields = expression.trim().split(/\s+/);
  if (fields.length !== 5) {
    throw new CronParseError(
      `needs exactly 5 fields (minute hour day-of-month month day-of-week), got ${fields.length}`,
    );
  }
  const [minute, hour, dom, month, dow] = fields;
  const lastDay = dom.split(',').some((item) => item.toUpperCase() === 'L');
  const domWithoutL = dom
    .split(',')
    .filter((item) => item.toUpperCase() !== 'L')
    .join(',');
  const parsed: CronExpression = {
    minutes: [...parseField(minute, FIELDS[0])].sort((a, b) => a - b),
    hours: [...parseField(hour, FIELDS[1])].sort((a, b) => a - b),
    daysOfMonth: domWithoutL === '' ? new Set() : parseField(domWithoutL, FIELDS[2]),
    lastDayOfMonth: lastDay,
    months: parseField(month, FIELDS[3]),
    daysOfWeek: new Set([...parseField(dow, FIELDS[4])].map((d) => d % 7)),
    domRestricted: !dom.startsWith('*'),
    dowRestricted: !dow.startsWith('*'),
    wildcard: minute.startsWith('*') || hour.startsWith('*'),
  };
  if (cache.size > 10_000) cache.clear();
  cache.set(expression, parsed);
  return parsed;
}

function parseField(text: string, spec: FieldSpec): Set<number> {
  const values = new Set<number>();
  for (const item of text.split(',')) {
    if (item === '')
      throw new CronParseError(`${spec.name} field '${text}' has an empty list item`);
    if (/[?#W]/i.test(item) || (spec.name === 'day-of-month' && /L/i.test(item))) {
      throw new CronParseError(
        `${spec.name} field '${item}' uses syntax that is not supported (?, #, W, L in lists)`,
      );
    }
    const [range, stepText, extra] = item.split('/');
    if (extra !== undefined)
      throw new CronParseError(`${spec.name} field '${item}' has more than one '/'`);
    let step = 1;
    if (stepText !== undefined) {
      if (!/^\d+$/.test(stepText) || Number(stepText) < 1) {
        throw new CronParseError(
          `${spec.name} field '${item}' needs a positive whole step after '/'`,
        );
      }
      step = Number(stepText);
    }
    let from: number;
    let to: number;
    if (range === '*') {
      from = spec.min;
      to = spec.name === 'day-of-week' ? 6 : spec.max;
    } else if (range.includes('-')) {
      const [a, b] = range.split('-');
      from = value(a, spec, item);
      to = value(b, spec, item);
      if (from > to) throw new CronParseError(`${spec.name} range '${range}' runs backwards`);
    } else {
      if (stepText !== undefined) {
        throw new CronParseError(
          `${spec.name} field '${item}': 'N/S' is not supported; use 'N-M/S' or '*/S'`,
        );
      }
      from = to = value(range, spec, item);
    }
    for (let v = from; v <= to; v += step) values.add(v);
  }
  return values;
}

function value(text: string, spec: FieldSpec, item: string): number {
  if (spec.names) {
    const index = spec.names.indexOf(text.toUpperCase());
    if (index !== -1) return index + (spec.namesStart ?? 0);
  }
  if (!/^\d+$/.test(text))
    throw new CronParseError(`${spec.name} field '${item}': '${text}' is not a number`);
  const n = Number(text);
  if (n < spec.min || n > spec.max) {
    throw new CronParseError(`${spec.name} value ${n} is out of range ${spec.min}-${spec.max}`);
  }
  return n;
}

/** The shortest time between two firings on one day, in minutes (0 when it fires at most once). */
export function shortestInterval(cron: CronExpression): number {
  const times: number[] = [];
  for (const h of cron.hours) for (const m of cron.minutes) times.push(h * 60 + m);
  if (times.length < 2) return 24 * 60;
  times.sort((a, b) => a - b);
  let shortest = 24 * 60 - times[times.length - 1] + times[0]; // across midnight
  for (let i = 1; i < times.length; i += 1) shortest = Math.min(shortest, times[i] - times[i - 1]);
  return shortest;
}
