import type { RunNote } from './schedule-config';

/** A run found while scanning local days, before it is formatted. */
export interface RunSlot {
  at: number;
  /** Local day number of the slot before any business-day roll. */
  nominalDay: number;
  /** Nominal local minute of the day, before any DST gap moved the run. */
  minute: number;
  /** 1 for the second occurrence of a repeated wall time (a wildcard cron in a DST overlap). */
  fold?: 1;
  note?: RunNote;
}

/** How one cadence turns local days into runs. */
export interface SlotPlan {
  /** Days before the local date of `after` whose runs may still come after it (rolls, docs/api.md §1.4). */
  lookBackDays: number;
  /**
   * Appends the runs whose nominal local date is `day` and that are later than `afterMs` (at
   * most `limit` from a day with many), and returns the next day worth looking at.
   */
  slotsOn(day: number, afterMs: number, limit: number, out: RunSlot[]): number;
}
