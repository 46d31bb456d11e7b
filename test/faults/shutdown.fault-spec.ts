import { newMember, newOrg, TestMember } from 'test/factories';
import { SEEDED_YEAR, startRunNow } from 'test/utils/run-report';
import { expectOneCompletedRun, generationLedger, writingNow } from 'test/utils/generation-ledger';
import { seedOrgData } from 'test/utils/seed-org';
import { createTestApp, TestApp } from 'test/utils/test-app';
import { waitFor } from 'test/utils/wait-for';
import { WorkerProcess } from 'test/utils/worker-process';

jest.setTimeout(120_000);

const WORKER_ENV = { GENERATION_CONCURRENCY: '1', QUEUE_LOCK_DURATION_MS: '3000' };

/**
 * SIGTERM to a worker with a generation in flight: it takes nothing new, finishes what it can
 * within SHUTDOWN_GRACE_MS, hands the rest back (no attempt used) and exits; nothing is lost.
 */
describe('worker shutdown with work in flight', () => {
  let api: TestApp;
  let orgId: string;
  let editor: TestMember;
  const workers: WorkerProcess[] = [];

  const startWorker = async (env: Record<string, string> = {}) => {
    const worker = new WorkerProcess();
    workers.push(worker);
    await worker.start({ ...WORKER_ENV, ...env });
    return worker;
  };
  const runNow = async (format: string) => {
    const run = await startRunNow(api, editor, {
      output_format: format,
      recipients: [],
      report_parameters: SEEDED_YEAR,
    });
    return run;
  };
  const rowOf = async (executionId: string) =>
    (
      await api.db.query(
        `SELECT status, lease_id, leased_until, retry_count, started_at FROM report_executions WHERE id = $1`,
        [executionId],
      )
    )[0];
  const midWrite = (executionId: string) =>
    waitFor(
      'the worker to be writing the file',
      async () => writingNow(orgId, executionId).length > 0,
      60_000,
      10,
    );
  const completed = (executionId: string) =>
    waitFor(
      'the run to complete',
      async () => (await rowOf(executionId)).status === 'completed',
      90_000,
      100,
    );

  beforeAll(async () => {
    api = await createTestApp({ role: 'api' });
    orgId = (await newOrg(api.db)).id;
    editor = newMember(orgId, { roles: ['editor'] });
    await seedOrgData({ orgId, invoices: 60_000, usageEvents: 100, customers: 300 });
  });
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.kill()));
    await api.close();
  });

  it('hands back a run still going at the deadline: pending at once, no attempt used, finished elsewhere', async () => {
    const leaving = await startWorker({ SHUTDOWN_GRACE_MS: '200' });
    const { scheduleId, executionId } = await runNow('xlsx');
    await midWrite(executionId);

    const stoppedAt = Date.now();
    await leaving.terminate();

    expect(Date.now() - stoppedAt).toBeLessThan(20_000);
    expect(leaving.output).toContain('handed back unfinished');
    // Given back, not left to a lease to run out: the next worker may start it at once.
    expect(await rowOf(executionId)).toMatchObject({
      status: 'pending',
      lease_id: null,
      leased_until: null,
      retry_count: 0,
    });
    expect(writingNow(orgId, executionId)).toEqual([]);

    await startWorker();
    await completed(executionId);
    const ledger = await generationLedger(api.db, scheduleId);
    expectOneCompletedRun(ledger);
    // The attempt handed back was not counted as one.
    expect(ledger.executions[0].retry_count).toBe(0);
    await Promise.all(workers.map((w) => w.kill()));
  });

  it('finishes a run within the grace period and takes no new job once told to stop', async () => {
    const leaving = await startWorker({ SHUTDOWN_GRACE_MS: '60000' });
    const inFlight = await runNow('xlsx');
    await midWrite(inFlight.executionId);

    const exited = leaving.terminate();
    const queued = await runNow('csv');
    await exited;

    expect(leaving.output).not.toContain('handed back');
    const finished = await generationLedger(api.db, inFlight.scheduleId);
    expectOneCompletedRun(finished);
    expect(finished.executions[0].retry_count).toBe(0);
    // Enqueued after SIGTERM: left for another worker, untouched.
    expect(await rowOf(queued.executionId)).toMatchObject({ status: 'pending', started_at: null });

    await startWorker();
    await completed(queued.executionId);
    expectOneCompletedRun(await generationLedger(api.db, queued.scheduleId));
    await Promise.all(workers.map((w) => w.kill()));
  });
});
