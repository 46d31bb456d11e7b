import { CADENCES } from 'src/domain/vocabulary';
import { holidayCalendarProblem } from './business-calendar';
import { daysInMonth, monthName } from './civil-date';
import { CronExpression, CronParseError, parseCron } from './cron-expression';
import { tooFrequent } from './cron-frequency';
import type { ScheduleConfig } from './schedule-config';
import { ZoneRules } from './zone-rules';

const P = 'schedule_config';
const FIELDS = [
  'cadence',
  'time',
  'timezone',
  'day_of_week',
  'day_of_month',
  'cron_expression',
  'business_days_only',
  'holiday_calendar',
];
const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;
const MIN_INTERVAL_MINUTES = 5;
/** DST changes this far ahead are checked for runs closer than the minimum interval. */
const CLOCK_CHANGE_LOOKAHEAD_MS = 2 * 366 * 86_400_000;
const OWN_FIELD: Record<string, 'day_of_week' | 'day_of_month' | 'cron_expression' | null> = {
  daily: null,
  weekly: 'day_of_week',
  monthly: 'day_of_month',
  cron: 'cron_expression',
};

/**
 * Every problem with a schedule_config, one message each naming the field; [] when valid.
 * `now` only places the window of upcoming DST changes checked for too-close cron runs.
 */
export function validateScheduleConfig(config: ScheduleConfig, now: Date = new Date()): string[] {
  if (typeof config !== 'object' || config === null) return [`${P} must be an object`];
  const errors: string[] = [];
  const present = (value: unknown) => value !== undefined && value !== null;
  for (const key of Object.keys(config)) {
    if (!FIELDS.includes(key)) errors.push(`${P}.${key} is not a schedule_config field`);
  }
  const zoneOk = checkTimezone(config.timezone, errors);
  if (!CADENCES.includes(config.cadence)) {
    errors.push(
      config.cadence === undefined || config.cadence === null
        ? `${P}.cadence is required (one of ${CADENCES.join(', ')})`
        : `${P}.cadence '${config.cadence}' must be one of ${CADENCES.join(', ')}`,
    );
    return errors; // the other rules depend on the cadence
  }
  const cadence = config.cadence;
  if (cadence === 'cron') {
    if (present(config.time)) {
      errors.push(`${P}.time must be null or absent for cron: the expression holds the time`);
    }
  } else if (!present(config.time)) {
    errors.push(`${P}.time is required for a ${cadence} schedule (HH:MM, 24-hour)`);
  } else if (typeof config.time !== 'string' || !TIME.test(config.time)) {
    errors.push(`${P}.time '${config.time}' must be HH:MM from 00:00 to 23:59`);
  }
  for (const field of ['day_of_week', 'day_of_month', 'cron_expression'] as const) {
    const own = OWN_FIELD[cadence] === field;
    if (!own && present(config[field])) {
      errors.push(`${P}.${field} does not apply to a ${cadence} schedule`);
    }
    if (own && !present(config[field])) {
      errors.push(`${P}.${field} is required for a ${cadence} schedule${HINTS[field]}`);
    }
  }
  if (cadence === 'weekly' && present(config.day_of_week) && !isIntIn(config.day_of_week, 1, 7)) {
    errors.push(
      `${P}.day_of_week ${show(config.day_of_week)} must be an integer from 1 (Monday) to 7 (Sunday)`,
    );
  }
  if (
    cadence === 'monthly' &&
    present(config.day_of_month) &&
    !isIntIn(config.day_of_month, 1, 31)
  ) {
    errors.push(
      `${P}.day_of_month ${show(config.day_of_month)} must be an integer from 1 to 31 (29-31 run on the last day of shorter months)`,
    );
  }
  if (present(config.business_days_only) && typeof config.business_days_only !== 'boolean') {
    errors.push(`${P}.business_days_only must be true or false`);
  }
  checkHolidayCalendar(config, errors);
  if (cadence === 'cron' && present(config.cron_expression)) {
    const problem = cronProblem(config, zoneOk, now);
    if (problem) errors.push(`${P}.cron_expression '${config.cron_expression}' ${problem}`);
  }
  return errors;
}

const HINTS = {
  day_of_week: ' (1 = Monday … 7 = Sunday)',
  day_of_month: ' (1-31)',
  cron_expression: ' (5 fields: minute hour day-of-month month day-of-week)',
};

function checkTimezone(timezone: unknown, errors: string[]): boolean {
  if (timezone === undefined || timezone === null || timezone === '') {
    errors.push(`${P}.timezone is required (an IANA time zone such as Europe/Berlin)`);
    return false;
  }
  if (typeof timezone !== 'string' || !ZoneRules.isKnown(timezone)) {
    errors.push(
      `${P}.timezone '${String(timezone)}' is not an IANA time zone (e.g. America/New_York, Europe/Berlin, UTC)`,
    );
    return false;
  }
  return true;
}

function checkHolidayCalendar(config: ScheduleConfig, errors: string[]): void {
  const calendar = config.holiday_calendar;
  if (calendar === undefined || calendar === null) return;
  if (config.business_days_only !== true) {
    errors.push(`${P}.holiday_calendar only applies with business_days_only: true`);
  }
  const problem =
    typeof calendar === 'string' ? holidayCalendarProblem(calendar) : 'must be a string';
  if (problem) errors.push(`${P}.holiday_calendar ${problem}`);
}

/** Parse errors, entries that can never fire, and entries firing more often than allowed. */
function cronProblem(config: ScheduleConfig, zoneOk: boolean, now: Date): string | null {
  if (typeof config.cron_expression !== 'string') return 'must be a string';
  let cron: CronExpression;
  try {
    cron = parseCron(config.cron_expression);
  } catch (error) {
    if (error instanceof CronParseError) return `is not valid: ${error.message}`;
    throw error;
  }
  const never = neverFires(cron);
  if (never) return `never fires: ${never}`;
  // Dropping non-business days only removes runs, so the check leaves business days out.
  const plain: ScheduleConfig = {
    cadence: 'cron',
    time: null,
    timezone: zoneOk ? config.timezone : 'UTC',
    cron_expression: config.cron_expression,
  };
  const from = now.getTime();
  const to = zoneOk ? from + CLOCK_CHANGE_LOOKAHEAD_MS : from;
  const frequent = tooFrequent(plain, cron, MIN_INTERVAL_MINUTES, from, to);
  return frequent
    ? `fires more often than every ${MIN_INTERVAL_MINUTES} minutes (${frequent})`
    : null;
}

/**
 * Every date falls on every weekday over the 400-year cycle, so only a day-of-month that no
 * selected month has (with the weekday unrestricted, hence ANDed) makes an entry impossible.
 */
function neverFires(cron: CronExpression): string | null {
  if (!cron.domRestricted || cron.dowRestricted || cron.lastDayOfMonth) return null;
  const possible = cron.months.some((m) => cron.daysOfMonth[0] <= daysInMonth(2000, m));
  if (possible) return null;
  const days = cron.daysOfMonth.join(', ');
  return `no selected month (${cron.months.map(monthName).join(', ')}) has day ${days}`;
}

function isIntIn(value: unknown, min: number, max: number): boolean {
  return Number.isInteger(value) && (value as number) >= min && (value as number) <= max;
}

function show(value: unknown): string {
  return typeof value === 'string' ? `'${value}'` : String(value);
}
