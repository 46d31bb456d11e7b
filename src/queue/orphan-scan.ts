import { withTimeout } from './with-timeout';

/** Rows asked about at once: a slow Redis costs one timeout per group, not per row. */
const CONCURRENCY = 16;
const CHECK_TIMEOUT_MS = 3000;

export interface OrphanScan<T> {
  /** Rows the queue holds no job for. */
  orphans: T[];
  /** How many rows, from the first, were looked at (the rest wait for the next pass). */
  scanned: number;
  /** Rows whose check failed or timed out; a later pass looks again. */
  unanswered: number;
}

/**
 * Asks the queue about each row, a group at a time, until the rows or the pass's time run out.
 * One row whose check fails is passed over, not allowed to end the pass; a group where every
 * check failed means Redis is away, and the pass stops there.
 */
export async function scanForOrphans<T>(
  rows: T[],
  isOrphan: (row: T) => Promise<boolean>,
  deadline: number,
): Promise<OrphanScan<T>> {
  const scan: OrphanScan<T> = { orphans: [], scanned: 0, unanswered: 0 };
  while (scan.scanned < rows.length && performance.now() < deadline) {
    const group = rows.slice(scan.scanned, scan.scanned + CONCURRENCY);
    const answers = await Promise.allSettled(
      group.map((row) => withTimeout(isOrphan(row), CHECK_TIMEOUT_MS)),
    );
    // Redis is away: this group counts as not looked at, so the next pass starts with it.
    if (answers.every((answer) => answer.status === 'rejected')) break;
    scan.scanned += group.length;
    answers.forEach((answer, i) => {
      if (answer.status === 'rejected') scan.unanswered += 1;
      else if (answer.value) scan.orphans.push(group[i]);
    });
  }
  return scan;
}

/**
 * Where the next pass starts: after the last row this one looked at, or from the beginning once
 * a short page was looked at in full. Walking on (instead of always re-reading the oldest rows)
 * means a backlog of rows with live jobs cannot hide an orphan behind it.
 */
export function nextCursor(
  current: string | undefined,
  page: { id: string }[],
  scanned: number,
  pageSize: number,
): string | undefined {
  if (scanned === page.length && page.length < pageSize) return undefined;
  return scanned > 0 ? page[scanned - 1].id : current;
}
