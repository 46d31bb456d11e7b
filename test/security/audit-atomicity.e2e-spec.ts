import { Logger } from '@nestjs/common';
import {
  completedExecution,
  failedEmailDelivery,
  newMember,
  newOrg,
  scheduleBody,
} from 'test/factories';
import { clientFor } from 'test/utils/http-client';
import { createTestApp, TestApp } from 'test/utils/test-app';

// Every state change commits with its audit entry or not at all: when the entry cannot be
// written, the change is rolled back and the caller gets a 500, never a silent, unaudited change.
describe('state changes and their audit entries commit together', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ role: 'api' });
  });
  afterAll(() => t.close());
  afterEach(async () => {
    jest.restoreAllMocks();
    await t.db.query(`ALTER TABLE audit_logs DROP CONSTRAINT IF EXISTS test_refuse_org_audit`);
  });

  /** A real failure of the audit INSERT for one org: the database refuses its new entries. */
  const refuseAuditOf = async (orgId: string) => {
    // The 500s are expected; their stack traces would only bury real failures.
    jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    await t.db.query(
      `ALTER TABLE audit_logs ADD CONSTRAINT test_refuse_org_audit
         CHECK (organization_id <> '${orgId}'::uuid) NOT VALID`,
    );
  };

  async function org() {
    const orgId = (await newOrg(t.db)).id;
    const admin = newMember(orgId, { roles: ['admin'] });
    const editor = newMember(orgId, { roles: ['editor'] });
    for (const m of [admin, editor]) await clientFor(t, m).get('/api/members').expect(200);
    return { orgId, admin, editor };
  }

  const row = async (sql: string, params: unknown[]) => (await t.db.query(sql, params))[0];

  it('settings, the Slack token and the webhook secret stay as they were', async () => {
    const { orgId, admin } = await org();
    const before = await row(`SELECT * FROM organizations WHERE id = $1`, [orgId]);
    await refuseAuditOf(orgId);
    const as = clientFor(t, admin);

    await as.put('/api/admin/settings', { run_now_per_hour: 3 }).expect(500);
    await as
      .put('/api/admin/integrations/slack', {
        bot_token: 'xoxb-1234567890-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx',
      })
      .expect(500);
    await as.post('/api/admin/webhook-secret').expect(500);

    expect(await row(`SELECT * FROM organizations WHERE id = $1`, [orgId])).toEqual(before);
  });

  it('run now starts no run, and revoking links revokes nothing', async () => {
    const { orgId, editor } = await org();
    const schedule = (
      await clientFor(t, editor).post('/api/scheduled-reports', scheduleBody()).expect(201)
    ).body;
    const execution = await completedExecution(t.db, orgId, schedule.id);
    await refuseAuditOf(orgId);
    const as = clientFor(t, editor);

    await as.post(`/api/scheduled-reports/${schedule.id}/run`).expect(500);
    await as.post(`/api/report-executions/${execution.id}/revoke-links`).expect(500);

    expect(
      await row(
        `SELECT count(*)::int AS n FROM report_executions WHERE trigger = 'manual'
                   AND scheduled_report_id = $1`,
        [schedule.id],
      ),
    ).toEqual({ n: 0 });
    expect(
      await row(`SELECT links_revoked_at FROM report_executions WHERE id = $1`, [execution.id]),
    ).toEqual({ links_revoked_at: null });
  });

  it('a resend reopens nothing, and a deactivation deactivates no one', async () => {
    const { orgId, admin, editor } = await org();
    const schedule = (
      await clientFor(t, editor).post('/api/scheduled-reports', scheduleBody()).expect(201)
    ).body;
    const execution = await completedExecution(t.db, orgId, schedule.id);
    const delivery = await failedEmailDelivery(t.db, orgId, execution.id);
    const [member] = await t.db.query(
      `SELECT id FROM members WHERE organization_id = $1 AND user_id = $2`,
      [orgId, editor.sub],
    );
    await refuseAuditOf(orgId);

    await clientFor(t, editor)
      .post(`/api/report-executions/${execution.id}/resend-failed`)
      .expect(500);
    await clientFor(t, admin).delete(`/api/admin/members/${member.id}`).expect(500);

    expect(await row(`SELECT status FROM report_deliveries WHERE id = $1`, [delivery.id])).toEqual({
      status: 'failed',
    });
    expect(await row(`SELECT is_active FROM members WHERE id = $1`, [member.id])).toEqual({
      is_active: true,
    });
    expect(
      await row(`SELECT count(*)::int AS n FROM outbox_events WHERE subject_id = $1`, [member.id]),
    ).toEqual({ n: 0 });
  });
});
