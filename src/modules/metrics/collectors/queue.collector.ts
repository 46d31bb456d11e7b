import type { Queue } from 'bull';
import { Registry } from 'prom-client';
import { withTimeout } from 'src/queue/with-timeout';
import { gaugeFrom, Labels, sharedRead } from './gauge-from';

const JOB_STATES = ['waiting', 'active', 'delayed', 'failed'] as const;
/** A scrape never waits on a Redis that does not answer. */
const REDIS_TIMEOUT_MS = 1000;

/** Jobs per queue and state as Bull holds them in Redis, and whether Redis answered. */
export function registerQueueMetrics(registry: Registry, queues: Record<string, Queue>): void {
  const counts = sharedRead(async () => {
    const result: { queue: string; counts: Record<string, number> | null }[] = [];
    for (const [queue, bull] of Object.entries(queues)) {
      const answer = await withTimeout(bull.getJobCounts(), REDIS_TIMEOUT_MS).catch(() => null);
      result.push({ queue, counts: answer as Record<string, number> | null });
    }
    return result;
  });
  gaugeFrom(
    registry,
    'scheduled_reports_queue_jobs',
    'Jobs in each Bull queue by state (the database ledger stays the source of truth)',
    ['queue', 'state'],
    async () =>
      (await counts()).flatMap(({ queue, counts: byState }) =>
        byState
          ? JOB_STATES.map((state): [Labels, number] => [{ queue, state }, byState[state] ?? 0])
          : [],
      ),
  );
  gaugeFrom(
    registry,
    'scheduled_reports_queue_up',
    '1 when the queue answered the last scrape, 0 when Redis did not',
    ['queue'],
    async () => (await counts()).map(({ queue, counts: byState }) => [{ queue }, byState ? 1 : 0]),
  );
}
