import type { EntityManager } from 'typeorm';
import type { Clock } from 'src/common/clock';

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
