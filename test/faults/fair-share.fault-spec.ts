import type { ScheduleConfig } from 'src/modules/schedules/calendar/schedule-config';
import { SlotLedger } from 'test/utils/slot-ledger';
import { createTestApp, TestApp } from 'test/utils/test-app';
import { waitFor } from 'test/utils/wait-for';
import { WorkerProcess } from 'test/utils/worker-process';

jest.setTimeout(180_000);

const FLOOD = 500;
const CAP = 2;

/**
 * Fair share between organizations, on real processes: two worker processes of one generation
 * at a time each, so org A's runs alone can fill every worker, and two schedulers dispatching at
 * once (in this process: a loaded machine boots four processes too slowly).
 * A queues 500 (small, empty CSV) reports; then B's single report is due. B must start
 * within one job time: only the runs A held its slots with may start between B's creation
 * and B's start. Counted from the rows' started_at, not from wall-clock thresholds.
 */
describe('fair share across organizations', () => {
  const a = new SlotLedger();
  const b = new SlotLedger();
  const schedulers: TestApp[] = [];
  const workers = [new WorkerProcess(), new WorkerProcess()];

  beforeAll(async () => {
    await Promise.all([a.createOrg(), b.createOrg()]);
    await a.pool.query(`UPDATE organizations SET max_concurrent_generations = $2 WHERE id = $1`, [
      a.orgId,
      CAP,
    ]);
  });
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.kill()));
    await Promise.all(schedulers.map((s) => s.close()));
    await Promise.all([a.close(), b.close()]);
  });

  const runsOf = async (orgId: string) =>
    (
      await a.pool.query<{ id: string; created_at: Date; started_at: Date | null }>(
        `SELECT id, created_at, started_at FROM report_executions WHERE organization_id = $1`,
        [orgId],
      )
    ).rows;

  it("starts another organization's single report within one job time of 500 queued by one", async () => {
    const now = await a.databaseNow();
    // A daily slot a minute ago: due now, well inside the misfire grace.
    const minuteAgo = new Date(now.getTime() - 60_000);
    const config: ScheduleConfig = {
      cadence: 'cron',
      cron_expression: `${minuteAgo.getUTCMinutes()} ${minuteAgo.getUTCHours()} * * *`,
      timezone: 'UTC',
    };
    const since = new Date(now.getTime() - 120_000);
    await a.addSchedules(config, since, FLOOD);
    const workerEnv = { GENERATION_CONCURRENCY: '1' };
    await Promise.all(workers.map((w) => w.start(workerEnv)));
    for (let i = 0; i < 2; i += 1) schedulers.push(await createTestApp({ role: 'scheduler' }));
    await waitFor(
      "org A's 500 runs to be created and its first to start",
      async () => {
        const runs = await runsOf(a.orgId);
        return runs.length === FLOOD && runs.some((r) => r.started_at !== null);
      },
      60_000,
      200,
    );

    await b.addSchedules(config, since, 1);
    const single = await waitFor(
      "org B's report to start",
      async () => {
        const [run] = await runsOf(b.orgId);
        return run?.started_at ? run : false;
      },
      60_000,
      100,
    );

    const flood = await runsOf(a.orgId);
    const startedBetween = flood.filter(
      (r) =>
        r.started_at !== null &&
        r.started_at > single.created_at &&
        r.started_at < (single.started_at as Date),
    );
    // Only the runs that held A's slots when B arrived went ahead of it, not A's backlog.
    expect(startedBetween.length).toBeLessThanOrEqual(CAP);
    // …and the backlog was there: most of A's runs had not started yet.
    const notYet = flood.filter(
      (r) => r.started_at === null || r.started_at > (single.started_at as Date),
    );
    expect(notYet.length).toBeGreaterThan(FLOOD / 2);

    // Two schedulers dispatched A's runs, yet never more than its cap generated at once.
    const { rows } = await a.pool.query<{ most: number }>(
      `SELECT max((SELECT count(*) FROM report_executions o
                    WHERE o.organization_id = $1 AND o.started_at <= r.started_at
                      AND (o.completed_at IS NULL OR o.completed_at > r.started_at)))::int AS most
         FROM report_executions r
        WHERE r.organization_id = $1 AND r.started_at IS NOT NULL`,
      [a.orgId],
    );
    expect(rows[0].most).toBeGreaterThanOrEqual(1);
    expect(rows[0].most).toBeLessThanOrEqual(CAP);
  });
});
