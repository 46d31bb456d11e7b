import { getQueueToken } from '@nestjs/bull';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Queue } from 'bull';
import { SchedulerService } from 'src/modules/scheduler/scheduler.service';
import { GENERATION_QUEUE } from 'src/queue/queue.constants';
import { newMember, newOrg, scheduleBody, TestMember, tokenFor } from 'test/factories';
import { FakeClock, utcDateFromToday } from 'test/utils/fake-clock';
import { seedOrgData } from 'test/utils/seed-org';
import { createTestApp, TestApp } from 'test/utils/test-app';
import { TEST_STORAGE_DIR } from 'test/utils/test-env';
import { useManualTicks } from 'test/utils/manual-ticks';
import { waitFor } from 'test/utils/wait-for';
import { WorkerProcess } from 'test/utils/worker-process';

jest.setTimeout(180_000);

/** Failure paths, with real processes killed and real concurrency. */
describe('execution pipeline under failure', () => {
  const [day1, day2, day3] = [7, 8, 9].map(utcDateFromToday);
  const clock = new FakeClock(new Date(`${day1}T08:00:00Z`));
  let api: TestApp;
  let orgId: string;
  let editor: TestMember;

  const auth = () => ({ Authorization: `Bearer ${tokenFor(editor)}` });
  const statusOf = async (executionId: string) =>
    (
      await api.db.query(
        'SELECT status, retry_count, error_message, file_key FROM report_executions WHERE id = $1',
        [executionId],
      )
    )[0];
  const runNow = (scheduleId: string) =>
    api.http().post(`/api/scheduled-reports/${scheduleId}/run`).set(auth()).send({}).expect(202);
  const finished = (executionId: string, what: string) =>
    waitFor(
      what,
      async () => {
        const row = await statusOf(executionId);
        return ['completed', 'failed'].includes(row.status) && row;
      },
      120_000,
      250,
    );
  const createSchedule = async (overrides: Record<string, unknown> = {}) =>
    (
      await api
        .http()
        .post('/api/scheduled-reports')
        .set(auth())
        .send(
          scheduleBody({
            schedule_config: { cadence: 'daily', time: '09:00', timezone: 'UTC' },
            report_parameters: {
              date_range: { preset: 'custom', from: '2025-06-01', to: '2026-05-31' },
            },
            ...overrides,
          }),
        )
        .expect(201)
    ).body as { id: string };

  beforeAll(async () => {
    api = await createTestApp({ role: 'api', clock });
    orgId = (await newOrg(api.db)).id;
    editor = newMember(orgId, { roles: ['editor'] });
    await seedOrgData({
      orgId,
      invoices: 200_000,
      usageEvents: 1000,
      customers: 500,
    });
  });
  afterAll(() => api.close());

  it('three schedulers ticking at once over 500 due schedules create exactly 500 executions', async () => {
    const due = (await newOrg(api.db)).id;
    await api.db.query(
      `INSERT INTO scheduled_reports (organization_id, created_by, name, report_type, schedule_config, output_format, next_run_at)
       SELECT $1, 'bulk', 'bulk ' || g, 'invoice_summary',
              '{"cadence":"daily","time":"09:00","timezone":"UTC"}', 'csv', $2
         FROM generate_series(1, 500) g`,
      [due, `${day1}T09:00:00Z`],
    );
    const schedulers = await Promise.all(
      [1, 2, 3].map(() => createTestApp({ role: 'scheduler', clock })),
    );
    schedulers.forEach((s) => useManualTicks(s.app));
    try {
      clock.set(`${day1}T09:00:03Z`);
      // Other tests' schedules may come due at this (fake) time too: count this org's rows.
      await Promise.all(schedulers.map((s) => s.app.get(SchedulerService).tick()));
      const [counts] = await api.db.query(
        `SELECT count(*)::int AS executions, count(DISTINCT scheduled_report_id)::int AS schedules
           FROM report_executions e WHERE e.organization_id = $1`,
        [due],
      );
      expect(counts).toEqual({ executions: 500, schedules: 500 });
      const next = await api.db.query(
        `SELECT DISTINCT next_run_at FROM scheduled_reports WHERE organization_id = $1`,
        [due],
      );
      expect(next.map((r: { next_run_at: Date }) => r.next_run_at.toISOString())).toEqual([
        `${day2}T09:00:00.000Z`,
      ]);
    } finally {
      // These have no data worth generating: drop the jobs and the schedules.
      await schedulers[0].app
        .get<Queue>(getQueueToken(GENERATION_QUEUE))
        .obliterate({ force: true });
      await api.db.query(`DELETE FROM scheduled_reports WHERE organization_id = $1`, [due]);
      await Promise.all(schedulers.map((s) => s.close()));
    }
  });

  it('a schedule paused while its job waits in the queue does not generate', async () => {
    clock.set(`${day2}T08:00:00Z`);
    const schedule = await createSchedule();
    const schedulerApp = await createTestApp({ role: 'scheduler', clock });
    useManualTicks(schedulerApp.app);
    let worker: TestApp | null = null;
    try {
      clock.set(`${day2}T09:00:01Z`);
      await schedulerApp.app.get(SchedulerService).tick();
      const [execution] = await api.db.query(
        'SELECT id, status FROM report_executions WHERE scheduled_report_id = $1',
        [schedule.id],
      );
      expect(execution.status).toBe('pending');
      await api.http().post(`/api/scheduled-reports/${schedule.id}/pause`).set(auth()).expect(200);
      worker = await createTestApp({ role: 'worker', clock });
      const done = await waitFor('the queued job to be handled', async () => {
        const row = await statusOf(execution.id);
        return row.status === 'failed' && row;
      });
      expect(done.error_message).toMatch(/paused/);
      expect(done.file_key).toBeNull();
    } finally {
      await schedulerApp.close();
      await worker?.close();
    }
  });

  it('a worker killed with SIGKILL mid-job: the execution is retried and completes once, with one file', async () => {
    const schedule = await createSchedule();
    const first = new WorkerProcess();
    const second = new WorkerProcess();
    try {
      await first.start({ GENERATION_CONCURRENCY: '1', QUEUE_LOCK_DURATION_MS: '3000' });
      const run = await runNow(schedule.id);
      // Killed mid-write: its partial file is on disk, for the retry to clean up.
      const folder = join(TEST_STORAGE_DIR, 'org', orgId, 'executions');
      await waitFor(
        'the first worker to be writing the file',
        async () =>
          existsSync(folder) &&
          readdirSync(folder).some((f) => f.startsWith(`.${run.body.id}-`) && f.endsWith('.tmp')),
        60_000,
        20,
      );
      await first.kill();
      expect((await statusOf(run.body.id)).status).toBe('running');

      await second.start({ GENERATION_CONCURRENCY: '1', QUEUE_LOCK_DURATION_MS: '3000' });
      const done = await finished(run.body.id, 'the retried job to complete');
      expect(done).toMatchObject({ status: 'completed', error_message: null });
      expect(done.retry_count).toBeGreaterThanOrEqual(1);
      const files = readdirSync(folder);
      expect(files.filter((f) => f.includes(run.body.id))).toEqual([
        (done.file_key as string).split('/').pop(),
      ]);
      expect(files.filter((f) => f.endsWith('.tmp'))).toEqual([]);
      const executions = await api.db.query(
        'SELECT count(*)::int AS n FROM report_executions WHERE scheduled_report_id = $1',
        [schedule.id],
      );
      expect(executions[0].n).toBe(1);
    } finally {
      await first.kill();
      await second.kill();
    }
  });

  it('deleting a schedule while its run is in progress finishes that run and starts no other', async () => {
    clock.set(`${day3}T08:00:00Z`);
    const schedule = await createSchedule();
    const worker = await createTestApp({ role: 'worker', clock });
    try {
      const run = await runNow(schedule.id);
      await waitFor(
        'the job to start',
        async () => (await statusOf(run.body.id)).status !== 'pending',
        60_000,
        20,
      );
      await api.http().delete(`/api/scheduled-reports/${schedule.id}`).set(auth()).expect(204);
      const done = await finished(run.body.id, 'the run to finish');
      expect(['completed', 'failed']).toContain(done.status);
      const schedulerApp = await createTestApp({ role: 'scheduler', clock });
      useManualTicks(schedulerApp.app);
      try {
        clock.set(`${day3}T09:00:05Z`);
        await schedulerApp.app.get(SchedulerService).tick();
      } finally {
        await schedulerApp.close();
      }
      const executions = await api.db.query(
        'SELECT count(*)::int AS n FROM report_executions WHERE scheduled_report_id = $1',
        [schedule.id],
      );
      expect(executions[0].n).toBe(1);
    } finally {
      await worker.close();
    }
  });
});
