import { holidayCalendarProblem } from './business-calendar';
import { CronParseError, parseCron, shortestInterval } from './cron-expression';
import type { ScheduleConfig } from './schedule-config';
import { nextRuns } from './schedule-calculator';
import { isKnownZone } from './zone-clock';

const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;
const MIN_INTERVAL_MINUTES = 5;
const CADENCES = ['daily', 'weekly', 'monthly', 'cron'];
const P = 'schedule_config';

/** Every problem with a schedule_config, as messages naming the field; [] when valid. */
export function validateScheduleConfig(config: ScheduleConfig): string[] {
  const errors: string[] = [];
  const present = (value: unknown) => value !== undefined && value !== null;
  if (!CADENCES.includes(config.cadence)) {
    return [`${P}.cadence must be one of ${CADENCES.join(', ')}`];
  }
  if (typeof config.timezone !== 'string' || !isKnownZone(config.timezone)) {
    errors.push(
      `${P}.timezone '${config.timezone}' is not an IANA time zone (e.g. America/New_York)`,
    );
  }
  if (config.cadence === 'cron') {
    if (present(config.time))
      errors.push(`${P}.time must be null for cron: the expression holds the time`);
  } else if (!present(config.time)) {
    errors.push(`${P}.time is required for a ${config.cadence} schedule (HH:MM, 24-hour)`);
  } else if (typeof config.time !== 'string' || !TIME.test(config.time)) {
    errors.push(`${P}.time '${config.time}' must be HH:MM from 00:00 to 23:59`);
  }

  const allowed: Record<string, string[]> = {
    daily: [],
    weekly: ['day_of_week'],
    monthly: ['day_of_month'],
    cron: ['cron_expression'],
  };
  for (const field of ['day_of_week', 'day_of_month', 'cron_expression'] as const) {
    const needed = allowed[config.cadence].includes(field);
    if (needed && !present(config[field]))
      errors.push(`${P}.${field} is required for a ${config.cadence} schedule`);
    if (!needed && present(config[field]))
      errors.push(`${P}.${field} does not apply to a ${config.cadence} schedule`);
  }
  if (
    config.cadence === 'weekly' &&
    present(config.day_of_week) &&
    !isIntIn(config.day_of_week, 1, 7)
  ) {
    errors.push(`${P}.day_of_week must be 1 (Monday) to 7 (Sunday)`);
  }
  if (
    config.cadence === 'monthly' &&
    present(config.day_of_month) &&
    !isIntIn(config.day_of_month, 1, 31)
  ) {
    errors.push(`${P}.day_of_month must be 1 to 31 (29-31 run on the last day of shorter months)`);
  }
  if (config.cadence === 'cron' && typeof config.cron_expression === 'string') {
    errors.push(...cronProblems(config.cron_expression));
  }
  if (present(config.holiday_calendar)) {
    if (!config.business_days_only) {
      errors.push(`${P}.holiday_calendar only applies with business_days_only: true`);
    }
    const problem = holidayCalendarProblem(String(config.holiday_calendar));
    if (problem) errors.push(`${P}.holiday_calendar ${problem}`);
  }
  if (errors.length === 0 && nextRuns(config, new Date(Date.UTC(2026, 0, 1)), 1).length === 0) {
    errors.push(`${P} never fires (no run in the next thirty years)`);
  }
  return errors;
}

function cronProblems(expression: string): string[] {
  try {
    const cron = parseCron(expression);
    if (shortestInterval(cron) < MIN_INTERVAL_MINUTES) {
      return [
        `${P}.cron_expression '${expression}' fires more often than every ${MIN_INTERVAL_MINUTES} minutes`,
      ];
    }
    return [];
  } catch (error) {
    if (error instanceof CronParseError)
      return [`${P}.cron_expression '${expression}': ${error.message}`];
    throw error;
  }
}

function isIntIn(value: unknown, min: number, max: number): boolean {
  return Number.isInteger(value) && (value as number) >= min && (value as number) <= max;
}
