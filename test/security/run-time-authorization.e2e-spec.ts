import { newMember, newOrg, scheduleBody, TestMember } from 'test/factories';
import { settledDeliveries } from 'test/utils/deliveries';
import { clientFor } from 'test/utils/http-client';
import { useManualTicks } from 'test/utils/manual-ticks';
import { queuesDrained } from 'test/utils/queues';
import { seedOrgData } from 'test/utils/seed-org';
import { SmtpInbox, startSmtpInbox } from 'test/utils/smtp-inbox';
import { createTestApp, TestApp } from 'test/utils/test-app';
import { waitFor } from 'test/utils/wait-for';

jest.setTimeout(120_000);

// Access is checked when a report runs and when it is delivered, not only when it was saved.
describe('run-time authorization', () => {
  let inbox: SmtpInbox;
  let t: TestApp;

  beforeAll(async () => {
    inbox = await startSmtpInbox();
    t = await createTestApp({ role: 'all', env: { SMTP_URL: inbox.url } });
    useManualTicks(t.app);
  });
  afterAll(async () => {
    await t.close();
    await inbox.stop();
  });

  /** An org with sample data, an admin and an editor who both hold billing:read (provisioned). */
  async function orgWithPeople(allowedDomains: string[]) {
    const orgId = (await newOrg(t.db, { allowed_email_domains: allowedDomains })).id;
    await seedOrgData({ orgId, invoices: 50, usageEvents: 10, customers: 3 });
    const admin = newMember(orgId, { roles: ['admin'] });
    const editor = newMember(orgId, { roles: ['editor'] });
    for (const member of [admin, editor])
      await clientFor(t, member).get('/api/members').expect(200);
    return { orgId, admin, editor };
  }

  const finished = (executionId: string) =>
    waitFor(`execution ${executionId} to finish`, async () => {
      const [row] = await t.db.query(
        `SELECT status, error_message, metadata FROM report_executions WHERE id = $1`,
        [executionId],
      );
      return ['completed', 'failed'].includes(row.status) && row;
    });

  const scheduleStatus = async (admin: TestMember, id: string) =>
    (await clientFor(t, admin).get(`/api/scheduled-reports/${id}`).expect(200)).body.status;

  it('refuses a run once its creator lost the permission: no report mailed, paused, admins told', async () => {
    const { admin, editor } = await orgWithPeople(['acme.example']);
    const schedule = (
      await clientFor(t, editor)
        .post('/api/scheduled-reports', scheduleBody({ name: 'Lost rights' }))
        .expect(201)
    ).body;
    // The IdP takes billing:read away; the member's next request carries the new claims.
    const demoted = { ...editor, permissions: ['usage:read'] };
    await clientFor(t, demoted).get('/api/members').expect(200);

    const run = (
      await clientFor(t, admin).post(`/api/scheduled-reports/${schedule.id}/run`).expect(202)
    ).body;
    const execution = await finished(run.id);

    expect(execution.status).toBe('failed');
    expect(execution.error_message).toBe(
      `not generated: its creator ${editor.sub} no longer holds the billing:read permission`,
    );
    expect(execution.metadata.access_revoked).toContain('billing:read');
    const [notice] = await inbox.waitForMessagesTo(admin.email);
    expect(notice.parsed.subject).toBe('Schedule paused, access revoked: Lost rights');
    expect(notice.parsed.text).toContain('no longer holds the billing:read permission');
    expect(await scheduleStatus(admin, schedule.id)).toBe('paused');
    await queuesDrained(t);
    // Neither the recipient nor the demoted creator got anything.
    expect(inbox.messages.map((m) => m.envelope.to).flat()).toEqual([admin.email]);
  });

  it('skips a recipient whose domain the org no longer allows, still serves the others, pauses', async () => {
    const { admin, editor } = await orgWithPeople(['acme.example', 'partner.example']);
    const schedule = (
      await clientFor(t, editor)
        .post(
          '/api/scheduled-reports',
          scheduleBody({
            name: 'Partner dropped',
            recipients: [
              { type: 'email', value: 'finance@acme.example' },
              { type: 'email', value: 'ann@partner.example' },
            ],
          }),
        )
        .expect(201)
    ).body;
    await clientFor(t, admin)
      .put('/api/admin/settings', { allowed_email_domains: ['acme.example'] })
      .expect(200);

    const run = (
      await clientFor(t, editor).post(`/api/scheduled-reports/${schedule.id}/run`).expect(202)
    ).body;
    expect((await finished(run.id)).status).toBe('completed');
    const deliveries = await settledDeliveries(t, run.id);

    expect(deliveries.map((d) => [d.recipient_value, d.status, d.metadata.reason])).toEqual([
      ['ann@partner.example', 'skipped', 'access_revoked'],
      ['finance@acme.example', 'sent', undefined],
    ]);
    expect(deliveries[0].error_message).toBe(
      "not delivered: recipient email 'ann@partner.example' is neither a member's address nor in an allowed email domain",
    );
    await inbox.waitForMessagesTo('finance@acme.example');
    const [notice] = await inbox.waitForMessagesTo(admin.email);
    expect(notice.parsed.subject).toBe('Schedule paused, access revoked: Partner dropped');
    expect(await scheduleStatus(admin, schedule.id)).toBe('paused');
    await queuesDrained(t);
    expect(inbox.messages.some((m) => m.envelope.to.includes('ann@partner.example'))).toBe(false);
  });
});
