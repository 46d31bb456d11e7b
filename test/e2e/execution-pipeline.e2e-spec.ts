import { ExecutionReconcilerService } from 'src/modules/scheduler/execution-reconciler.service';
import { SchedulerService } from 'src/modules/scheduler/scheduler.service';
import { newMember, newOrg, scheduleBody, TestMember } from 'test/factories';
import { FakeClock } from 'test/utils/fake-clock';
import { parseCsv } from 'test/utils/parse-csv';
import { startRedis, stopRedis } from 'test/utils/redis-control';
import { seedOrgData } from 'test/utils/seed-org';
import { createTestApp, TestApp } from 'test/utils/test-app';

import { useManualTicks } from 'test/utils/manual-ticks';
import { clientFor, rawBody } from 'test/utils/http-client';
import { waitFor } from 'test/utils/wait-for';

jest.setTimeout(120_000);

describe('execution pipeline: scheduler → queue → worker → history and download', () => {
  const clock = new FakeClock(new Date('2026-11-30T08:59:00Z'));
  let t: TestApp;
  let scheduler: SchedulerService;
  let orgId: string;
  let editor: TestMember;

  const as = (member: TestMember) => clientFor(t, member);
  const executionsOf = async (scheduleId: string) =>
    t.db.query(
      `SELECT id, status, trigger, scheduled_for, retry_count, error_message, file_key, metadata
         FROM report_executions WHERE scheduled_report_id = $1 ORDER BY scheduled_for`,
      [scheduleId],
    );
  const finished = (scheduleId: string, count = 1) =>
    waitFor(`${count} finished execution(s) of ${scheduleId}`, async () => {
      const rows = await executionsOf(scheduleId);
      return (
        rows.length >= count &&
        rows.every((r: { status: string }) => ['completed', 'failed'].includes(r.status)) &&
        rows
      );
    });

  beforeAll(async () => {
    t = await createTestApp({ role: 'all', clock });
    useManualTicks(t.app);
    scheduler = t.app.get(SchedulerService);
    orgId = (await newOrg(t.db)).id;
    editor = newMember(orgId, { roles: ['editor'] });
    await seedOrgData({ orgId, invoices: 3000, usageEvents: 5000, customers: 50 });
  });
  afterAll(async () => {
    startRedis();
    await t.close();
  });

  const createDaily = async (overrides: Record<string, unknown> = {}) => {
    const res = await as(editor)
      .post('/api/scheduled-reports')
      .send(
        scheduleBody({
          schedule_config: { cadence: 'daily', time: '09:00', timezone: 'UTC' },
          report_parameters: { date_range: { preset: 'last_7_days' } },
          ...overrides,
        }),
      )
      .expect(201);
    return res.body as { id: string; next_run_at: string };
  };

  it('generates a due schedule once, with a CSV equal to a direct SQL query', async () => {
    clock.set('2026-11-30T08:59:00Z');
    const schedule = await createDaily();
    expect(schedule.next_run_at).toBe('2026-11-30T09:00:00.000Z');
    clock.set('2026-11-30T09:00:01Z');
    await scheduler.tick();
    await scheduler.tick(); // a second tick finds nothing more to do
    const [execution] = await finished(schedule.id);
    expect(execution).toMatchObject({ status: 'completed', trigger: 'schedule' });
    expect((await executionsOf(schedule.id)).length).toBe(1);
    const [row] = await t.db.query(
      'SELECT next_run_at, last_run_at FROM scheduled_reports WHERE id = $1',
      [schedule.id],
    );
    expect(row.next_run_at.toISOString()).toBe('2026-12-01T09:00:00.000Z');
    expect(row.last_run_at.toISOString()).toBe('2026-11-30T09:00:00.000Z');

    const detail = await as(editor).get(`/api/report-executions/${execution.id}`).expect(200);
    expect(detail.body).toMatchObject({
      status: 'completed',
      scheduled_for: '2026-11-30T09:00:00.000Z',
      retry_count: 0,
      // One delivery per recipient, created with the completion (delivery has its own tests).
      deliveries: [{ recipient_type: 'email', recipient_value: 'finance@acme.example' }],
      metadata: {
        filters_applied: {
          date_range: { preset: 'last_7_days', from: '2026-11-23', to: '2026-11-29' },
        },
      },
    });
    // The worker's own measure of the generation, which falls inside the run's started..completed.
    const span = Date.parse(detail.body.completed_at) - Date.parse(detail.body.started_at);
    expect(detail.body.execution_time_ms).toEqual(expect.any(Number));
    expect(detail.body.execution_time_ms).toBeLessThanOrEqual(span + 1); // ms rounding
    expect(detail.body.execution_time_ms).toBeGreaterThan(0);
    expect(new Date(detail.body.metadata.data_as_of).getTime()).not.toBeNaN();

    const download = await as(editor)
      .get(`/api/report-executions/${execution.id}/download`)
      .buffer(true)
      .parse(rawBody)
      .expect(200);
    expect(download.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(download.headers['content-disposition']).toContain(
      'attachment; filename="weekly-invoices-2026-11-30.csv"',
    );
    expect(Number(download.headers['content-length'])).toBe((download.body as Buffer).length);
    expect(Number(download.headers['content-length'])).toBe(detail.body.file_size);

    const [header, ...rows] = parseCsv((download.body as Buffer).toString('utf8'));
    expect(header[0]).toBe('Invoice');
    const expected = await t.db.query(
      `SELECT i.number, (i.total_cents / 100.0)::numeric(20,2)::text AS total
         FROM invoices i
        WHERE i.organization_id = $1 AND i.issued_at >= '2026-11-23T00:00:00Z' AND i.issued_at < '2026-11-30T00:00:00Z'
        ORDER BY i.issued_at, i.id`,
      [orgId],
    );
    expect(rows.map((r) => [r[0], r[9]])).toEqual(
      expected.map((e: { number: string; total: string }) => [e.number, e.total]),
    );
    expect(detail.body.metadata.rows_generated).toBe(expected.length);
  });

  it('run-now answers 202, and a second run-now returns the same execution', async () => {
    const schedule = await createDaily();
    const [first, second] = await Promise.all([
      as(editor).post(`/api/scheduled-reports/${schedule.id}/run`),
      as(editor).post(`/api/scheduled-reports/${schedule.id}/run`),
    ]);
    expect(first.status).toBe(202);
    expect(second.status).toBe(202);
    expect(second.body.id).toBe(first.body.id);
    expect(first.body.trigger).toBe('manual');
    const [done] = await finished(schedule.id);
    expect(done.status).toBe('completed');
    const third = await as(editor).post(`/api/scheduled-reports/${schedule.id}/run`).expect(202);
    expect(third.body.id).not.toBe(first.body.id);
    await finished(schedule.id, 2);
  });

  it('run-now with as_of re-runs the period of that past slot', async () => {
    const schedule = await createDaily({
      report_parameters: { date_range: { preset: 'yesterday' } },
    });
    const res = await as(editor)
      .post(`/api/scheduled-reports/${schedule.id}/run`, { as_of: '2026-11-20T12:00:00Z' })
      .expect(202);
    expect(res.body.scheduled_for).toBe('2026-11-20T09:00:00.000Z');
    const [done] = await finished(schedule.id);
    expect(done.metadata.filters_applied.date_range).toMatchObject({
      from: '2026-11-19',
      to: '2026-11-19',
    });
    await as(editor)
      .post(`/api/scheduled-reports/${schedule.id}/run`, { as_of: '2999-01-01T00:00:00Z' })
      .expect(400);
  });

  it('a misfire after a 3-hour outage runs the latest slot once and records the skipped ones', async () => {
    clock.set('2026-12-02T06:00:00Z');
    const schedule = await createDaily({
      schedule_config: { cadence: 'cron', timezone: 'UTC', cron_expression: '0,30 * * * *' },
    });
    expect(schedule.next_run_at).toBe('2026-12-02T06:30:00.000Z');
    clock.set('2026-12-02T09:10:00Z'); // down from 06:10 to 09:10
    await scheduler.tick();
    const [run] = await finished(schedule.id);
    expect(run.scheduled_for.toISOString()).toBe('2026-12-02T09:00:00.000Z');
    expect(run.metadata.skipped_slots).toHaveLength(5); // 06:30 … 08:30
    expect((await executionsOf(schedule.id)).length).toBe(1);
    const [row] = await t.db.query('SELECT next_run_at FROM scheduled_reports WHERE id = $1', [
      schedule.id,
    ]);
    expect(row.next_run_at.toISOString()).toBe('2026-12-02T09:30:00.000Z');
    const audit = await t.db.query(
      `SELECT details FROM audit_logs WHERE resource_id = $1 AND action = 'schedule.slots_skipped'`,
      [schedule.id],
    );
    expect(audit[0].details.count).toBe(5);
  });

  it('a slot older than the grace window is skipped, not run late', async () => {
    clock.set('2026-12-03T08:00:00Z');
    const schedule = await createDaily();
    clock.set('2026-12-03T11:00:00Z'); // 2 h after the 09:00 slot; grace is 1 h
    await scheduler.tick();
    expect(await executionsOf(schedule.id)).toEqual([]);
    const [row] = await t.db.query('SELECT next_run_at FROM scheduled_reports WHERE id = $1', [
      schedule.id,
    ]);
    expect(row.next_run_at.toISOString()).toBe('2026-12-04T09:00:00.000Z');
  });

  it('history lists executions newest first, for viewers, and 404s across organizations', async () => {
    const schedule = await createDaily();
    await as(editor).post(`/api/scheduled-reports/${schedule.id}/run`).expect(202);
    const [execution] = await finished(schedule.id);
    const viewer = newMember(orgId, { roles: ['viewer'], permissions: [] });
    const history = await as(viewer)
      .get(`/api/scheduled-reports/${schedule.id}/executions`)
      .expect(200);
    expect(history.body).toMatchObject({ total: 1, page: 1, data: [{ id: execution.id }] });
    // Reading is fine, downloading needs billing:read.
    await as(viewer).get(`/api/report-executions/${execution.id}/download`).expect(403);
    await as(viewer).post(`/api/scheduled-reports/${schedule.id}/run`).expect(403);

    const outsider = newMember((await newOrg(t.db)).id, { roles: ['admin'] });
    await as(outsider).get(`/api/report-executions/${execution.id}`).expect(404);
    await as(outsider).get(`/api/report-executions/${execution.id}/download`).expect(404);
    await as(outsider).get(`/api/report-executions/${execution.id}/events`).expect(404);
    await as(outsider).get(`/api/scheduled-reports/${schedule.id}/executions`).expect(404);
    await as(outsider).post(`/api/scheduled-reports/${schedule.id}/run`).expect(404);
  });

  it('after delete, history stays readable to admins only', async () => {
    const schedule = await createDaily();
    await as(editor).post(`/api/scheduled-reports/${schedule.id}/run`).expect(202);
    const [execution] = await finished(schedule.id);
    await as(editor).delete(`/api/scheduled-reports/${schedule.id}`).expect(204);
    const admin = newMember(orgId, { roles: ['admin'] });
    await as(admin).get(`/api/report-executions/${execution.id}`).expect(200);
    await as(admin).get(`/api/scheduled-reports/${schedule.id}/executions`).expect(200);
    await as(editor).get(`/api/report-executions/${execution.id}`).expect(404);
  });

  it('streams status changes as Server-Sent Events until the run finishes', async () => {
    const schedule = await createDaily();
    const run = await as(editor).post(`/api/scheduled-reports/${schedule.id}/run`).expect(202);
    const res = await as(editor)
      .get(`/api/report-executions/${run.body.id}/events`)
      .buffer(true)
      .parse(rawBody)
      .expect(200);
    expect(res.headers['content-type']).toContain('text/event-stream');
    const statuses = [...(res.body as Buffer).toString().matchAll(/"status":"(\w+)"/g)].map(
      (m) => m[1],
    );
    expect(statuses.at(-1)).toBe('completed');
    expect(new Set(statuses).size).toBe(statuses.length);
  });

  it('keeps accepting run-now while Redis is down and loses nothing once it is back', async () => {
    // A day ahead of the real time: the dispatcher stamps dispatched_at with the database's
    // clock, and the reconciler's grace is measured from this one, so a fixed date that the
    // real time had passed left both runs forever "too new" to requeue.
    const day = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    clock.set(`${day}T08:59:00Z`);
    const due = await createDaily();
    const manual = await createDaily();
    try {
      stopRedis();
      clock.set(`${day}T09:00:02Z`);
      await scheduler.tick(); // commits the slot; the enqueue fails fast
      const res = await as(editor).post(`/api/scheduled-reports/${manual.id}/run`);
      expect(res.status).toBe(202);
      expect((await executionsOf(due.id)).map((e: { status: string }) => e.status)).toEqual([
        'pending',
      ]);
    } finally {
      startRedis();
    }
    // Redis restarted empty, and the adds that failed are not replayed: the reconciler is the one
    // path back for each run.
    clock.advance(60_000);
    const reconciler = t.app.get(ExecutionReconcilerService);
    const runs = await waitFor(
      'every run of both schedules to complete',
      async () => {
        await reconciler.reconcile();
        const rows = [...(await executionsOf(due.id)), ...(await executionsOf(manual.id))];
        return rows.every((r) => r.status === 'completed') && rows;
      },
      60_000,
      1000,
    );
    // Both schedules' 09:00 slots, and the run-now.
    expect(runs.map((r: { trigger: string }) => r.trigger).sort()).toEqual([
      'manual',
      'schedule',
      'schedule',
    ]);
    await scheduler.tick();
    expect(await executionsOf(due.id)).toHaveLength(1);
  });
});
