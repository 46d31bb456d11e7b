import { SchedulerService } from 'src/modules/scheduler/scheduler.service';
import { newMember, newOrg, scheduleBody, TestMember } from 'test/factories';
import { FakeClock } from 'test/utils/fake-clock';
import { clientFor } from 'test/utils/http-client';
import { useManualTicks } from 'test/utils/manual-ticks';
import { createTestApp, TestApp } from 'test/utils/test-app';

jest.setTimeout(60_000);

/**
 * The overlap policy: a slot whose schedule's previous scheduled run is still pending or
 * running is skipped and audited (`coalesce`) or created to run after it (`queue`, the
 * default). A scheduler-only app: nothing generates, so the runs stay where the test puts them.
 */
describe('overlap policy', () => {
  const clock = new FakeClock(new Date('2026-11-30T08:59:00Z'));
  let api: TestApp;
  let scheduler: TestApp;
  let admin: TestMember;

  beforeAll(async () => {
    api = await createTestApp({ clock });
    scheduler = await createTestApp({ role: 'scheduler', clock });
    useManualTicks(scheduler.app);
  });
  afterAll(async () => {
    await scheduler?.close();
    await api?.close();
  });

  const tick = () => scheduler.app.get(SchedulerService).tick();
  const runsOf = (scheduleId: string): Promise<{ id: string; scheduled_for: Date }[]> =>
    api.db.query(
      `SELECT id, scheduled_for FROM report_executions
        WHERE scheduled_report_id = $1 ORDER BY scheduled_for`,
      [scheduleId],
    );
  /** A daily 09:00 schedule whose 09:00 run of today is due and still in flight. */
  const scheduleWithRunInFlight = async (status: 'pending' | 'running') => {
    clock.set('2026-11-30T08:59:00Z');
    const schedule = (
      await clientFor(api, admin)
        .post(
          '/api/scheduled-reports',
          scheduleBody({ schedule_config: { cadence: 'daily', time: '09:00', timezone: 'UTC' } }),
        )
        .expect(201)
    ).body as { id: string };
    clock.set('2026-11-30T09:00:01Z');
    expect((await tick()).created).toBeGreaterThanOrEqual(1);
    const [run] = await runsOf(schedule.id);
    // Still generating (a live lease, so no reconciler or worker touches it), or still queued.
    await api.db.query(
      `UPDATE report_executions
          SET status = $2, started_at = CASE WHEN $2 = 'running' THEN now() END,
              leased_until = CASE WHEN $2 = 'running' THEN now() + interval '1 hour' END
        WHERE id = $1`,
      [run.id, status],
    );
    return { schedule, run };
  };

  it('coalesces a slot whose previous run is still running, and audits it', async () => {
    const orgId = (await newOrg(api.db)).id;
    admin = newMember(orgId, { roles: ['admin'] });
    const settings = await clientFor(api, admin)
      .put('/api/admin/settings', { overlap_policy: 'coalesce' })
      .expect(200);
    expect(settings.body.overlap_policy).toBe('coalesce');
    const { schedule, run } = await scheduleWithRunInFlight('running');

    clock.set('2026-12-01T09:00:01Z');
    await tick();

    expect((await runsOf(schedule.id)).map((r) => r.id)).toEqual([run.id]);
    const [next] = await api.db.query(`SELECT next_run_at FROM scheduled_reports WHERE id = $1`, [
      schedule.id,
    ]);
    expect(next.next_run_at.toISOString()).toBe('2026-12-02T09:00:00.000Z');
    const audit = await clientFor(api, admin)
      .get('/api/admin/audit-logs?action=schedule.slot_coalesced')
      .expect(200);
    expect(audit.body.total).toBe(1);
    expect(audit.body.data[0]).toMatchObject({
      resource_id: schedule.id,
      details: {
        slot: '2026-12-01T09:00:00.000Z',
        in_flight_execution_id: run.id,
        reason: expect.stringMatching(/still running/),
      },
    });

    // Once the previous run finished, the next slot runs again.
    await api.db.query(`UPDATE report_executions SET status = 'completed' WHERE id = $1`, [run.id]);
    clock.set('2026-12-02T09:00:01Z');
    await tick();
    expect((await runsOf(schedule.id)).map((r) => r.scheduled_for.toISOString())).toEqual([
      '2026-11-30T09:00:00.000Z',
      '2026-12-02T09:00:00.000Z',
    ]);
  });

  it('queues the slot behind a previous run still pending by default', async () => {
    const orgId = (await newOrg(api.db)).id;
    admin = newMember(orgId, { roles: ['admin'] });
    expect((await clientFor(api, admin).get('/api/admin/settings').expect(200)).body).toMatchObject(
      { overlap_policy: 'queue' },
    );
    const { schedule } = await scheduleWithRunInFlight('pending');

    clock.set('2026-12-01T09:00:01Z');
    await tick();

    expect((await runsOf(schedule.id)).map((r) => r.scheduled_for.toISOString())).toEqual([
      '2026-11-30T09:00:00.000Z',
      '2026-12-01T09:00:00.000Z',
    ]);
    const audit = await clientFor(api, admin)
      .get('/api/admin/audit-logs?action=schedule.slot_coalesced')
      .expect(200);
    expect(audit.body.total).toBe(0);
  });
});
