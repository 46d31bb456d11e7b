import { newMember, newOrg, scheduleBody } from 'test/factories';
import { settledDeliveries } from 'test/utils/deliveries';
import { clientFor } from 'test/utils/http-client';
import { useManualTicks } from 'test/utils/manual-ticks';
import { seedOrgData } from 'test/utils/seed-org';
import { SmtpInbox, startSmtpInbox } from 'test/utils/smtp-inbox';
import { createTestApp, TestApp } from 'test/utils/test-app';
import { waitFor } from 'test/utils/wait-for';

jest.setTimeout(120_000);

describe('the daily email budget', () => {
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

  it('sends as many report emails a day as the budget allows, and fails the rest clearly', async () => {
    const orgId = (await newOrg(t.db)).id;
    await seedOrgData({ orgId, invoices: 20, usageEvents: 5, customers: 2 });
    const admin = newMember(orgId, { roles: ['admin'] });
    await clientFor(t, admin).put('/api/admin/settings', { email_budget_per_day: 2 }).expect(200);
    const editor = newMember(orgId);
    const schedule = (
      await clientFor(t, editor)
        .post(
          '/api/scheduled-reports',
          scheduleBody({
            recipients: ['a', 'b', 'c'].map((n) => ({
              type: 'email',
              value: `${n}@acme.example`,
            })),
          }),
        )
        .expect(201)
    ).body;

    const run = (
      await clientFor(t, editor).post(`/api/scheduled-reports/${schedule.id}/run`).expect(202)
    ).body;
    await waitFor('the run to complete', async () => {
      const [row] = await t.db.query(`SELECT status FROM report_executions WHERE id = $1`, [
        run.id,
      ]);
      return row.status === 'completed';
    });
    const deliveries = await settledDeliveries(t, run.id);

    expect(deliveries.map((d) => d.status).sort()).toEqual(['failed', 'sent', 'sent']);
    expect(deliveries.find((d) => d.status === 'failed')?.error_message).toContain(
      "the organization's daily budget of 2 report emails is used up",
    );
    const reports = inbox.messages.filter((m) => /@acme\.example$/.test(m.envelope.to[0]));
    expect(reports).toHaveLength(2);
  });
});
