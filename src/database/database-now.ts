import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { Clock } from 'src/common/clock';

/**
 * The database's clock, which every process shares, rather than this process's, which may be
 * skewed. A test clock shifts it by as much as it is set from the real time.
 */
export async function databaseNow(manager: EntityManager, clock: Clock): Promise<Date> {
  const [row] = await manager.query(
    `SELECT statement_timestamp() + $1::double precision * interval '1 millisecond' AS now`,
    [clock.databaseOffsetMs()],
  );
  return new Date(row.now);
}

/**
 * "Now" for code that compares with times the database stamped (`dispatched_at`, `updated_at`,
 * `created_at` set by `now()`): read from the same clock, so a process whose own clock runs
 * ahead or behind does not shorten or stretch a grace period.
 */
@Injectable()
export class DatabaseClock {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  now(): Promise<Date> {
    return databaseNow(this.dataSource.manager, this.clock);
  }
}
