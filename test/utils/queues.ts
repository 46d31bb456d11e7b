import { getQueueToken } from '@nestjs/bull';
import type { Queue } from 'bull';
import { DELIVERY_QUEUE, GENERATION_QUEUE } from 'src/queue/queue.constants';
import type { TestApp } from './test-app';
import { waitFor } from './wait-for';

/**
 * Resolves once no run waits for the dispatcher and no generation or delivery job is waiting,
 * active, delayed (a retry) or paused: whatever the queues were going to run has run. With the rows settled, a test can then assert
 * that nothing more was sent without sleeping on it.
 */
export function queuesDrained(t: TestApp, timeoutMs = 30_000): Promise<true> {
  const queues = [GENERATION_QUEUE, DELIVERY_QUEUE].map((name) =>
    t.app.get<Queue>(getQueueToken(name)),
  );
  return waitFor(
    'the generation and delivery queues to drain',
    async () => {
      const [waiting] = await t.db.query(
        `SELECT EXISTS (SELECT 1 FROM report_executions
                         WHERE status = 'pending' AND dispatched_at IS NULL) AS any`,
      );
      if (waiting.any) return false;
      for (const queue of queues) {
        const left = await queue.getJobCountByTypes(['waiting', 'active', 'delayed', 'paused']);
        if (left > 0) return false;
      }
      return true;
    },
    timeoutMs,
  );
}
