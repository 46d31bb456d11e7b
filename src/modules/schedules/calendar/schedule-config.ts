import type { Cadence, RunNoteCode } from 'src/domain/vocabulary';

/** When a report runs; all calendar logic is on the wall clock of `timezone`. */
export interface ScheduleConfig {
  cadence: Cadence;
  time?: string | null;
  timezone: string;
  day_of_week?: number;
  day_of_month?: number;
  cron_expression?: string;
  business_days_only?: boolean;
  holiday_calendar?: string;
}

/** Why a run is not where a naive reading of the schedule would put it. */
export interface RunNote {
  code: RunNoteCode;
  message: string;
}

export interface ScheduledRun {
  /** The run instant. */
  at: Date;
  /** Wall clock with offset, e.g. "2026-03-08T03:00:00-04:00". */
  local: string;
  /** e.g. "-04:00", "+05:45". */
  utcOffset: string;
  /** Local YYYY-MM-DD of the slot before any business-day roll. */
  nominalDate: string;
  /** The slot's identity, which a tz database change moving its instant leaves alone. */
  slot: SlotKey;
  note?: RunNote;
}

/**
 * A slot by its nominal local time: the date and HH:MM the schedule names (before a DST gap or
 * a business-day roll moved the run), and which occurrence of a repeated wall time it is.
 */
export interface SlotKey {
  /** "2026-03-08T02:30" */
  local: string;
  /** 0, or 1 for the second occurrence of a wall time a DST overlap repeats. */
  fold: 0 | 1;
}
