import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { HistoryRetentionService } from 'src/modules/scheduler/history-retention.service';
import { newMember, newOrg, TestMember } from 'test/factories';
import { FakeClock } from 'test/utils/fake-clock';
import { clientFor } from 'test/utils/http-client';
import { useManualTicks } from 'test/utils/manual-ticks';
import { runReportNow } from 'test/utils/run-report';
import { seedOrgData } from 'test/utils/seed-org';
import { createTestApp, TestApp } from 'test/utils/test-app';
import { TEST_STORAGE_DIR } from 'test/utils/test-env';

jest.setTimeout(90_000);

const DAY_MS = 24 * 3600 * 1000;

describe('history retention: the tables stop growing', () => {
  const clock = new FakeClock(new Date());
  let t: TestApp;
  let orgId: string;
  let otherOrgId: string;
  let admin: TestMember;

  const daysAgo = (days: number) => new Date(clock.now().getTime() - days * DAY_MS);
  const count = async (sql: string, params: unknown[]) =>
    Number((await t.db.query(sql, params))[0].n);

  beforeAll(async () => {
    t = await createTestApp({ role: 'all', clock });
    useManualTicks(t.app);
    orgId = (await newOrg(t.db)).id;
    otherOrgId = (await newOrg(t.db)).id;
    admin = newMember(orgId, { roles: ['admin'] });
    await seedOrgData({ orgId, invoices: 50, usageEvents: 0, customers: 5 });
  });
  afterAll(() => t.close());

  it('settings: history_days and audit_retention_days, and history never shorter than files', async () => {
    const as = clientFor(t, admin);
    const before = (await as.get('/api/admin/settings').expect(200)).body;
    expect(before).toMatchObject({
      retention_days: 90,
      history_days: 400,
      audit_retention_days: 2555,
    });

    const refused = await as.put('/api/admin/settings', { history_days: 30 }).expect(400);
    expect(refused.body.message.join(' ')).toMatch(
      /history_days \(30\) must be at least retention_days \(90\)/,
    );
    await as.put('/api/admin/settings', { audit_retention_days: 10 }).expect(400);
    expect((await as.get('/api/admin/settings').expect(200)).body).toEqual(before);

    await as
      .put('/api/admin/settings', {
        retention_days: 30,
        history_days: 60,
        audit_retention_days: 365,
      })
      .expect(200);
  });

  it('removes old runs with their deliveries, notices, dispatched events and audit entries; keeps the rest', async () => {
    const old = await runReportNow(t, admin);
    const fresh = await runReportNow(t, admin);
    expect([old.status, fresh.status]).toEqual(['completed', 'completed']);
    // The old run finished 61 days ago and its file was somehow never expired: both go.
    await t.db.query(`UPDATE report_executions SET completed_at = $2 WHERE id = $1`, [
      old.id,
      daysAgo(61),
    ]);
    const oldFile = join(TEST_STORAGE_DIR, old.file_key);
    expect(existsSync(oldFile)).toBe(true);
    expect(
      await count(`SELECT count(*) AS n FROM report_deliveries WHERE report_execution_id = $1`, [
        old.id,
      ]),
    ).toBeGreaterThan(0);

    const schedule = old.scheduled_report_id;
    await t.db.query(
      `INSERT INTO notices (organization_id, kind, subject_id, scheduled_report_id, status, created_at)
       VALUES ($1, 'execution_failed', gen_random_uuid(), $2, 'sent', $3),
              ($1, 'delivery_failed', gen_random_uuid(), $2, 'sent', $4)`,
      [orgId, schedule, daysAgo(61), daysAgo(10)],
    );
    await t.db.query(
      `INSERT INTO audit_logs (organization_id, actor, action, resource_type, resource_id, created_at)
       VALUES ($1, 'someone', 'schedule.created', 'scheduled_report', $2, $3),
              ($1, 'someone', 'schedule.updated', 'scheduled_report', $2, $4),
              ($5, 'someone', 'schedule.created', 'scheduled_report', $2, $3)`,
      [orgId, schedule, daysAgo(400), daysAgo(100), otherOrgId],
    );
    await t.db.query(
      `INSERT INTO outbox_events (organization_id, type, subject_id, dispatched_at, created_at)
       VALUES ($1, 'execution.completed', gen_random_uuid(), $2, $2),
              ($1, 'execution.completed', gen_random_uuid(), $3, $3),
              ($1, 'execution.failed', gen_random_uuid(), NULL, $2)`,
      [orgId, daysAgo(8), daysAgo(1)],
    );
    const outboxBefore = await count(
      `SELECT count(*) AS n FROM outbox_events WHERE organization_id = $1`,
      [orgId],
    );

    const purged = await t.app.get(HistoryRetentionService).run();

    expect(purged).toMatchObject({ runs: 1, notices: 1, auditEntries: 1 });
    expect(purged.outboxEvents).toBeGreaterThanOrEqual(1);
    await clientFor(t, admin).get(`/api/report-executions/${old.id}`).expect(404);
    await clientFor(t, admin).get(`/api/report-executions/${fresh.id}`).expect(200);
    expect(existsSync(oldFile)).toBe(false);
    expect(existsSync(join(TEST_STORAGE_DIR, fresh.file_key))).toBe(true);
    expect(
      await count(`SELECT count(*) AS n FROM report_deliveries WHERE report_execution_id = $1`, [
        old.id,
      ]),
    ).toBe(0);
    expect(
      await count(`SELECT count(*) AS n FROM notices WHERE organization_id = $1`, [orgId]),
    ).toBe(1);
    // Only the event dispatched over a week ago went; the undispatched one is still owed.
    expect(
      await count(`SELECT count(*) AS n FROM outbox_events WHERE organization_id = $1`, [orgId]),
    ).toBe(outboxBefore - 1);
    expect(
      await count(
        `SELECT count(*) AS n FROM outbox_events WHERE organization_id = $1 AND dispatched_at IS NULL AND created_at < $2`,
        [orgId, daysAgo(7)],
      ),
    ).toBe(1);

    // The audit trail lost the 400-day-old entry, kept the 100-day-old one, and says so.
    const trail = await t.db.query(
      `SELECT action, details FROM audit_logs WHERE organization_id = $1 AND created_at < $2 OR action = 'audit.entries_expired' AND organization_id = $1`,
      [orgId, daysAgo(30)],
    );
    expect(trail.map((row: { action: string }) => row.action).sort()).toEqual([
      'audit.entries_expired',
      'schedule.updated',
    ]);
    // Another organization keeps its own (longer) audit retention.
    expect(
      await count(`SELECT count(*) AS n FROM audit_logs WHERE organization_id = $1`, [otherOrgId]),
    ).toBe(1);

    // A second pass finds nothing more to do.
    expect(await t.app.get(HistoryRetentionService).run()).toEqual({
      runs: 0,
      notices: 0,
      outboxEvents: 0,
      auditEntries: 0,
    });
  });
});
