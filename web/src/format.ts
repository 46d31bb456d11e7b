import cronstrue from 'cronstrue';
import type { Schema } from './api';

export const viewerZone = Intl.DateTimeFormat().resolvedOptions().timeZone;

/**
 * An instant in a zone, in the viewer's language on a 24-hour clock like the schedules':
 * "Tue, 8 Dec 2026, 09:00 EST". (dateStyle cannot be combined with timeZoneName.)
 */
export function formatIn(iso: string, timeZone: string): string {
  return new Intl.DateTimeFormat(undefined, {
    weekday: 'short',
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    timeZone,
    timeZoneName: 'short',
  }).format(new Date(iso));
}

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 86_400_000],
  ['month', 30 * 86_400_000],
  ['week', 7 * 86_400_000],
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
];

/** "in 3 days", "2 hours ago". */
export function relative(iso: string, now = Date.now()): string {
  const ms = new Date(iso).getTime() - now;
  const rtf = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
  for (const [unit, size] of UNITS) {
    if (Math.abs(ms) >= size) return rtf.format(Math.round(ms / size), unit);
  }
  return rtf.format(Math.round(ms / 1000), 'second');
}

export const WEEKDAYS = [
  'Monday',
  'Tuesday',
  'Wednesday',
  'Thursday',
  'Friday',
  'Saturday',
  'Sunday',
];

/** A cron expression in words, or null when cronstrue cannot read it. */
export function cronInWords(expression: string): string | null {
  try {
    return cronstrue.toString(expression, { use24HourTimeFormat: true, verbose: true });
  } catch {
    return null;
  }
}

type ScheduleConfig = Schema<'ScheduleConfigDto'>;

/** "Every Monday at 09:00, business days only (US holidays)" — without the zone. */
export function scheduleInWords(config: ScheduleConfig): string {
  let words: string;
  switch (config.cadence) {
    case 'daily':
      words = `Every day at ${config.time}`;
      break;
    case 'weekly':
      words = `Every ${WEEKDAYS[(config.day_of_week ?? 1) - 1]} at ${config.time}`;
      break;
    case 'monthly':
      words =
        config.day_of_month === 31
          ? `On the last day of every month at ${config.time}`
          : `On day ${config.day_of_month} of every month at ${config.time}`;
      break;
    default:
      words = cronInWords(config.cron_expression ?? '') ?? `cron ${config.cron_expression}`;
  }
  if (config.business_days_only) {
    words += config.holiday_calendar
      ? `, business days only (${config.holiday_calendar} holidays)`
      : ', business days only';
  }
  return words;
}

export function bytes(n: number | null | undefined): string {
  if (n === null || n === undefined) return '—';
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} kB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

export function duration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}
