import { newMember, newOrg, TestMember } from 'test/factories';
import { SEEDED_YEAR, startRunNow } from 'test/utils/run-report';
import { expectOneCompletedRun, generationLedger, writingNow } from 'test/utils/generation-ledger';
import { seedOrgData } from 'test/utils/seed-org';
import { createTestApp, TestApp } from 'test/utils/test-app';
import { waitFor } from 'test/utils/wait-for';
import { WorkerProcess } from 'test/utils/worker-process';

jest.setTimeout(120_000);

/** Short leases, so a dead or frozen attempt's run is taken over within seconds. */
const WORKER_ENV = {
  GENERATION_CONCURRENCY: '1',
  QUEUE_LOCK_DURATION_MS: '3000',
  PDF_MAX_ROWS: '3000',
};

/**
 * Generation attempts killed or frozen mid-write, with real worker processes: whatever happens to
 * an attempt, the run ends completed once, with one file whose bytes match its checksum.
 */
describe('generation under worker faults', () => {
  let api: TestApp;
  let orgId: string;
  let editor: TestMember;
  /** Started workers not yet killed or frozen; a test takes out the one writing its run. */
  const ready = new Set<WorkerProcess>();
  const all: WorkerProcess[] = [];

  const startWorker = (): Promise<void> => {
    const worker = new WorkerProcess();
    all.push(worker);
    return worker.start(WORKER_ENV).then(() => void ready.add(worker));
  };
  const runNow = async (format: string) => {
    await waitFor('a worker to be up', async () => ready.size > 0, 90_000);
    const run = await startRunNow(api, editor, {
      output_format: format,
      recipients: [],
      report_parameters: SEEDED_YEAR,
    });
    return run;
  };
  /** The worker process writing the run's file right now; a replacement starts meanwhile. */
  const writer = async (executionId: string): Promise<WorkerProcess> => {
    const found = await waitFor(
      'a worker to be writing the file',
      async () => {
        const temps = writingNow(orgId, executionId);
        return [...ready].find((w) => temps.some((temp) => w.hasOpen(temp)));
      },
      60_000,
      10,
    );
    ready.delete(found);
    startWorker().catch(() => undefined);
    return found;
  };
  const completed = (executionId: string) =>
    waitFor(
      'the run to complete',
      async () => {
        const [row] = await api.db.query(`SELECT status FROM report_executions WHERE id = $1`, [
          executionId,
        ]);
        return ['completed', 'failed'].includes(row.status) && row.status;
      },
      90_000,
      100,
    );

  beforeAll(async () => {
    api = await createTestApp({ role: 'api' });
    orgId = (await newOrg(api.db)).id;
    editor = newMember(orgId, { roles: ['editor'] });
    await seedOrgData({ orgId, invoices: 60_000, usageEvents: 100, customers: 300 });
    await Promise.all([startWorker(), startWorker()]);
  }, 150_000);
  afterAll(async () => {
    await Promise.all(all.map((w) => w.kill()));
    await api.close();
  });

  it.each(['csv', 'xlsx', 'pdf'])(
    'a worker SIGKILLed mid-generation (%s): another finishes it, one run, one matching file',
    async (format) => {
      const { scheduleId, executionId } = await runNow(format);
      await (await writer(executionId)).kill();

      expect(await completed(executionId)).toBe('completed');

      const ledger = await generationLedger(api.db, scheduleId);
      expectOneCompletedRun(ledger);
      expect(ledger.executions[0].retry_count).toBeGreaterThanOrEqual(1);
    },
  );

  it('an attempt frozen mid-write and thawed after another completed the run cannot touch its file', async () => {
    const { scheduleId, executionId } = await runNow('csv');
    const stale = await writer(executionId);
    stale.freeze();
    try {
      expect(await completed(executionId)).toBe('completed');
      expectOneCompletedRun(await generationLedger(api.db, scheduleId));
    } finally {
      stale.thaw();
    }
    // The thawed attempt finds its lease gone: it drops its result and whatever it wrote.
    await waitFor(
      'the stale attempt to give up',
      async () =>
        /another attempt took it over|attempt \d+\/\d+ failed/.test(stale.output) &&
        writingNow(orgId, executionId).length === 0,
      60_000,
    );
    expectOneCompletedRun(await generationLedger(api.db, scheduleId));
  });
});
