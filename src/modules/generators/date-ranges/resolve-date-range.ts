import moment, { Moment } from 'moment-timezone';
import { DateRange } from 'src/modules/generators/date-ranges/date-range.schema';

/** A date range pinned to dates and instants for one run. */
export interface ResolvedDateRange {
  /** First local date, inclusive (YYYY-MM-DD). */
  from: string;
  /** Last local date, inclusive (YYYY-MM-DD). */
  to: string;
  /** First instant of `from` in the timezone. */
  fromInstant: Date;
  /** First instant of the day after `to`: filter with `at >= fromInstant AND at < toInstantExclusive`. */
  toInstantExclusive: Date;
  /** For titles and subjects: "2026-03-01 – 2026-03-31", or the one date when from = to. */
  label: string;
}

const DAY = 'YYYY-MM-DD';

/**
 * Resolves a validated date range for a run at `runAt`, where "today" is the local date of
 * `runAt` in `timezone`. Pure: depends only on its arguments, never on the clock.
 */
export function resolveDateRange(
  range: DateRange,
  runAt: Date,
  timezone: string,
): ResolvedDateRange {
  if (!moment.tz.zone(timezone)) throw new RangeError(`Unknown timezone '${timezone}'`);
  if (Number.isNaN(runAt.getTime())) throw new RangeError('runAt is not a valid date');
  // Calendar arithmetic on a UTC date: no DST shift can move a day boundary.
  const today = moment.utc(moment.tz(runAt, timezone).format(DAY), DAY, true);
  const [from, to] = localDates(range, today);
  return {
    from,
    to,
    fromInstant: startOfLocalDay(from, timezone),
    toInstantExclusive: startOfLocalDay(
      moment.utc(to, DAY, true).add(1, 'day').format(DAY),
      timezone,
    ),
    label: from === to ? from : `${from} – ${to}`,
  };
}

function localDates(range: DateRange, today: Moment): [string, string] {
  const at = (m: Moment): string => m.format(DAY);
  const daysAgo = (n: number): string => at(today.clone().subtract(n, 'days'));
  switch (range.preset) {
    case 'yesterday':
      return [daysAgo(1), daysAgo(1)];
    case 'last_7_days':
      return [daysAgo(7), daysAgo(1)];
    case 'previous_week':
      return periodBefore(today.clone().startOf('isoWeek'), 'week');
    case 'previous_month':
      return periodBefore(today.clone().startOf('month'), 'month');
    case 'month_to_date':
      return [at(today.clone().startOf('month')), at(today)];
    case 'previous_quarter':
      return periodBefore(today.clone().startOf('quarter'), 'quarter');
    case 'year_to_date':
      return [at(today.clone().startOf('year')), at(today)];
    case 'custom':
      return customDates(range.from, range.to);
  }
}

/** The whole period of `unit` that ends the day before `start`. */
function periodBefore(start: Moment, unit: 'week' | 'month' | 'quarter'): [string, string] {
  return [
    start.clone().subtract(1, unit).format(DAY),
    start.clone().subtract(1, 'day').format(DAY),
  ];
}

function customDates(from: string, to: string): [string, string] {
  const first = moment.utc(from, DAY, true);
  const last = moment.utc(to, DAY, true);
  // The schema guarantees these; a caller that skipped validation gets an error, not a guess.
  if (!first.isValid() || !last.isValid() || last.isBefore(first)) {
    throw new RangeError(`Invalid custom date range ${from} to ${to}`);
  }
  return [from, to];
}

/**
 * Where a zone skips local midnight (America/Sao_Paulo 2018-11-04, Asia/Beirut each spring), the
 * gap starts at midnight and moment-timezone moves the time to the gap's end, the first instant
 * of that date. Where midnight repeats (America/Havana each autumn), it takes the earlier one.
 */
function startOfLocalDay(date: string, timezone: string): Date {
  return moment.tz(date, DAY, true, timezone).toDate();
}
