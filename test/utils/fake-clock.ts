import { Clock } from 'src/common/clock';
import type { DatabaseClock } from 'src/database/database-now';

/** A Clock the test moves by hand; every module's Clock is overridden with one instance. */
export class FakeClock extends Clock {
  constructor(private current: Date = new Date()) {
    super();
  }

  override now(): Date {
    return new Date(this.current);
  }

  /** The database's clock is shifted by as much as this one is set from the real time. */
  override databaseOffsetMs(): number {
    return this.current.getTime() - Date.now();
  }

  set(at: Date | string): void {
    this.current = new Date(at);
  }

  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}

/**
 * The UTC date `days` after today, as `YYYY-MM-DD`. Fake clocks that a reconciler reads must sit
 * ahead of the real time: the database stamps `dispatched_at` by its own clock, so a fixed date
 * the calendar has passed leaves runs forever "too new" to requeue.
 */
export function utcDateFromToday(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

/** A DatabaseClock for unit tests without a database: it reads the fake clock. */
export function databaseClockOf(clock: FakeClock): DatabaseClock {
  return { now: async () => clock.now() } as unknown as DatabaseClock;
}
