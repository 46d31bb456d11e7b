import Redis from 'ioredis';
import { Client } from 'pg';
import { TEST_DATABASE_URL, TEST_REDIS_URL } from './test-env';

/**
 * Before each e2e file: nothing another file left behind may run in this one. Every file's apps
 * share the test database and Redis, so a run or delivery still pending from an earlier file
 * would otherwise be picked up (or re-enqueued by a reconciler) and reach this file's inbox.
 * Files run one at a time (--runInBand), so the earlier file's apps are closed by now.
 */
beforeAll(async () => {
  const redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1, lazyConnect: true });
  try {
    await redis.connect();
    await redis.flushdb();
  } catch {
    // Redis down (a fault test will start it): nothing is queued then either.
  } finally {
    redis.disconnect();
  }
  const db = new Client({ connectionString: TEST_DATABASE_URL });
  await db.connect();
  try {
    await db.query(
      `UPDATE report_executions SET status = 'failed', error_message = 'left by an earlier test file',
              completed_at = now() WHERE status IN ('pending', 'running')`,
    );
    await db.query(
      `UPDATE report_deliveries SET status = 'skipped', error_message = 'left by an earlier test file'
        WHERE status IN ('pending', 'unknown')`,
    );
    await db.query(`UPDATE notices SET status = 'skipped' WHERE status = 'pending'`);
    await db.query(`UPDATE outbox_events SET dispatched_at = now() WHERE dispatched_at IS NULL`);
  } finally {
    await db.end();
  }
});
