import { newMember, newOrg, TestMember } from 'test/factories';
import { clientFor } from 'test/utils/http-client';
import { useManualTicks } from 'test/utils/manual-ticks';
import { queuesDrained } from 'test/utils/queues';
import { runReportNow } from 'test/utils/run-report';
import { SmtpInbox, startSmtpInbox } from 'test/utils/smtp-inbox';
import { seedOrgData } from 'test/utils/seed-org';
import { createTestApp, TestApp } from 'test/utils/test-app';
import { waitFor } from 'test/utils/wait-for';

jest.setTimeout(120_000);

// REPORT_MAX_ROWS=5 makes every run over the seeded data fail for good (not retried).
describe('failure notices and the automatic pause', () => {
  let inbox: SmtpInbox;
  let t: TestApp;
  let editor: TestMember;

  beforeAll(async () => {
    inbox = await startSmtpInbox();
    t = await createTestApp({
      role: 'all',
      env: { SMTP_URL: inbox.url, REPORT_MAX_ROWS: '5', AUTO_PAUSE_AFTER_FAILURES: '3' },
    });
    useManualTicks(t.app);
    const orgId = (await newOrg(t.db)).id;
    editor = newMember(orgId, { roles: ['editor'] });
    await seedOrgData({ orgId, invoices: 200, usageEvents: 20, customers: 5 });
  });
  afterAll(async () => {
    await t.close();
    await inbox.stop();
  });

  it('tells the creator once per failed run, and pauses the schedule after 3 failures in a row', async () => {
    const first = await runReportNow(t, editor, {
      name: 'Always too big',
      report_parameters: { date_range: { preset: 'year_to_date' } },
    });
    expect(first.status).toBe('failed');
    const [notice] = await inbox.waitForMessagesTo(editor.email);
    expect(notice.envelope.to).toEqual([editor.email]);
    expect(notice.parsed.subject).toContain('Always too big');
    expect(notice.parsed.text).toContain(first.error_message);
    expect(notice.parsed.text).toContain(
      `/api/scheduled-reports/${first.scheduled_report_id}/executions`,
    );

    const as = clientFor(t, editor);
    for (let run = 2; run <= 3; run += 1) {
      const execution = (
        await as.post(`/api/scheduled-reports/${first.scheduled_report_id}/run`).expect(202)
      ).body;
      await inbox.waitForMessagesTo(editor.email, run);
      const failed = await t.db.query(
        `SELECT e.status, count(n.id)::int AS notices FROM report_executions e
           LEFT JOIN notices n ON n.subject_id = e.id AND n.kind = 'execution_failed'
          WHERE e.id = $1 GROUP BY e.status`,
        [execution.id],
      );
      expect(failed).toEqual([{ status: 'failed', notices: 1 }]);
    }
    // Run 3 also pauses the schedule: its notice plus one saying so.
    const all = await inbox.waitForMessagesTo(editor.email, 4);
    const paused = all.find((m) => /paused/i.test(m.parsed.subject ?? ''));
    expect(paused?.parsed.text).toMatch(/3/);
    const schedule = await as
      .get(`/api/scheduled-reports/${first.scheduled_report_id}`)
      .expect(200);
    expect(schedule.body).toMatchObject({
      status: 'paused',
      paused_by: 'system',
      paused_reason: 'its last 3 runs all failed',
    });
    const notices = await waitFor('the notices to be sent', async () => {
      const rows: { status: string }[] = await t.db.query(
        `SELECT status FROM notices WHERE scheduled_report_id = $1`,
        [first.scheduled_report_id],
      );
      return rows.every((r) => r.status !== 'pending') && rows;
    });
    expect(notices.map((r) => r.status)).toEqual(['sent', 'sent', 'sent', 'sent']);
    await queuesDrained(t);
    expect(inbox.messages.filter((m) => m.envelope.to.includes(editor.email))).toHaveLength(4);

    // Resuming forgets who paused it and why.
    const resumed = await as
      .post(`/api/scheduled-reports/${first.scheduled_report_id}/resume`)
      .expect(200);
    expect(resumed.body).toMatchObject({ status: 'active', paused_by: null, paused_reason: null });
  });
});
