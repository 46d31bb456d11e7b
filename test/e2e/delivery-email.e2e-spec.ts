import type { SummaryTotals } from 'src/modules/generators/pdf/period-totals';
import { newMember, newOrg, scheduleBody, TestMember } from 'test/factories';
import { settledDeliveries } from 'test/utils/deliveries';
import { clientFor, rawBody } from 'test/utils/http-client';
import { useManualTicks } from 'test/utils/manual-ticks';
import { runReportNow } from 'test/utils/run-report';
import { queuesDrained } from 'test/utils/queues';
import { headerValues, SmtpInbox, startSmtpInbox } from 'test/utils/smtp-inbox';
import { seedOrgData } from 'test/utils/seed-org';
import { createTestApp, TestApp } from 'test/utils/test-app';
import { waitFor } from 'test/utils/wait-for';

jest.setTimeout(120_000);

describe('email delivery against a real SMTP server', () => {
  let inbox: SmtpInbox;
  let t: TestApp;
  let orgId: string;
  let editor: TestMember;
  const as = (member: TestMember) => clientFor(t, member);

  beforeAll(async () => {
    inbox = await startSmtpInbox();
    t = await createTestApp({
      role: 'all',
      env: { SMTP_URL: inbox.url, JOB_ATTEMPTS: '4', JOB_BACKOFF_MS: '300' },
    });
    useManualTicks(t.app);
    orgId = (await newOrg(t.db)).id;
    editor = newMember(orgId, { roles: ['editor'] });
    await seedOrgData({ orgId, invoices: 300, usageEvents: 50, customers: 10 });
  });
  afterAll(async () => {
    await t.close();
    await inbox.stop();
  });
  beforeEach(async () => {
    await inbox.start().catch(() => undefined);
    inbox.clear();
  });

  const messagesTo = (address: string) =>
    inbox.messages.filter((m) => m.envelope.to.includes(address));

  it('mails every recipient once, with the stored file attached and unsubscribe headers', async () => {
    const colleague = newMember(orgId, { roles: ['viewer'] });
    await as(colleague).get('/api/members').expect(200); // provisions the member
    const execution = await runReportNow(t, editor, {
      name: 'Daily <b>invoices</b>',
      recipients: [
        { type: 'email', value: 'finance@acme.example' },
        { type: 'user_id', value: colleague.sub },
      ],
    });
    expect(execution.status).toBe('completed');
    const deliveries = await settledDeliveries(t, execution.id);
    expect(deliveries.map((d) => [d.recipient_type, d.status, d.attempts])).toEqual([
      ['email', 'sent', 1],
      ['user_id', 'sent', 1],
    ]);
    const file = await as(editor)
      .get(`/api/report-executions/${execution.id}/download`)
      .buffer(true)
      .parse(rawBody)
      .expect(200);

    for (const address of ['finance@acme.example', colleague.email]) {
      const [message] = messagesTo(address);
      expect(messagesTo(address)).toHaveLength(1);
      const attachment = message.parsed.attachments[0];
      expect(attachment.content.equals(file.body as Buffer)).toBe(true);
      expect(headerValues(message, 'List-Unsubscribe-Post')).toEqual([
        'List-Unsubscribe=One-Click',
      ]);
      expect(headerValues(message, 'List-Unsubscribe')[0]).toMatch(
        /^<http:\/\/[^>]+\/api\/unsubscribe\/[^>]+>$/,
      );
      expect(message.parsed.html).toContain('Daily &lt;b&gt;invoices&lt;/b&gt;');
    }
    const delivered = messagesTo('finance@acme.example')[0].parsed.messageId;
    const row = deliveries.find((d) => d.recipient_type === 'email')!;
    expect(delivered).toBe(`<${row.id}@localhost>`);

    const shown = await as(editor).get(`/api/report-executions/${execution.id}`).expect(200);
    expect(shown.body.deliveries).toHaveLength(2);
    expect(shown.body.deliveries[0]).toMatchObject({ status: 'sent', attempts: 1 });
    expect(shown.body.deliveries[0].delivered_at).toMatch(/Z$/);
  });

  it('a PDF report mails its totals by period as a table, the same as the execution stores', async () => {
    const execution = await runReportNow(
      t,
      editor,
      {
        name: 'Monthly <i>totals</i>',
        output_format: 'pdf',
        report_parameters: { date_range: { preset: 'year_to_date' } },
        recipients: [{ type: 'email', value: 'totals@acme.example' }],
      },
      90_000,
    );
    expect(execution.status).toBe('completed');
    const stored = execution.metadata.summary_totals as SummaryTotals;
    expect(stored).toMatchObject({ period_column: 'Issued', amount_column: 'Total' });
    expect(stored.totals.length).toBeGreaterThan(0);
    // Every row is in exactly one period's total.
    expect(stored.totals.reduce((sum, total) => sum + total.rows, 0)).toBe(
      execution.metadata.rows_generated,
    );
    await settledDeliveries(t, execution.id);
    const [message] = await inbox.waitForMessagesTo('totals@acme.example');
    const html = message.parsed.html as string;
    const text = message.parsed.text as string;
    expect(html).toContain('Totals by Issued');
    expect(html).toContain('Monthly &lt;i&gt;totals&lt;/i&gt;');
    expect(text).toContain('Totals by Issued');
    for (const total of stored.totals.slice(-12)) {
      expect(text).toContain(
        `${total.period} ${total.currency}: ${total.rows.toLocaleString('en-US')} rows, ${total.amount}`,
      );
      expect(html).toContain(`>${total.amount}</td>`);
    }
  });

  it('sends a signed link instead of the file above the attachment limit', async () => {
    const admin = newMember(orgId, { roles: ['admin'] });
    await as(admin).put('/api/admin/settings', { attachment_limit_bytes: 10 }).expect(200);
    try {
      const execution = await runReportNow(t, editor, {
        recipients: [{ type: 'email', value: 'big-file@acme.example' }],
      });
      await settledDeliveries(t, execution.id);
      const [message] = await inbox.waitForMessagesTo('big-file@acme.example');
      expect(message.parsed.attachments).toHaveLength(0);
      const link = /https?:\/\/\S+\/api\/files\/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+/.exec(
        message.parsed.text ?? '',
      )?.[0];
      expect(link).toBeDefined();
      const viaLink = await t.http().get(new URL(link!).pathname).buffer(true).parse(rawBody);
      expect(viaLink.status).toBe(200);
      expect((viaLink.body as Buffer).length).toBeGreaterThan(10);
    } finally {
      await as(admin).put('/api/admin/settings', { attachment_limit_bytes: 10485760 }).expect(200);
    }
  });

  it('one-click unsubscribe stops later mail to that recipient; GET changes nothing', async () => {
    const body = { recipients: [{ type: 'email', value: 'leaver@acme.example' }] };
    const first = await runReportNow(t, editor, body);
    await settledDeliveries(t, first.id);
    const [message] = await inbox.waitForMessagesTo('leaver@acme.example');
    const url = headerValues(message, 'List-Unsubscribe')[0].slice(1, -1);
    const path = new URL(url).pathname;

    const page = await t.http().get(path).expect(200);
    expect(page.text).toContain('leaver@acme.example');
    expect(page.headers['set-cookie']).toBeUndefined();
    // This run's schedule only: other files leave unsubscribes of their own in the database.
    const unsubscribesOfThisRun = async () =>
      (
        await t.db.query(
          `SELECT count(*)::int AS n FROM unsubscribes u
             JOIN report_executions e ON e.scheduled_report_id = u.scheduled_report_id
            WHERE e.id = $1`,
          [first.id],
        )
      )[0].n;
    expect(await unsubscribesOfThisRun()).toBe(0);

    await t.http().post(path).type('form').send('List-Unsubscribe=One-Click').expect(200);
    await t.http().post(path).type('form').send('List-Unsubscribe=One-Click').expect(200);
    expect(await unsubscribesOfThisRun()).toBe(1);
    const tampered = path.slice(0, -2) + (path.endsWith('A') ? 'BB' : 'AA');
    await t.http().post(tampered).expect(404);

    inbox.clear();
    const [{ scheduled_report_id: scheduleId }] = await t.db.query(
      'SELECT scheduled_report_id FROM report_executions WHERE id = $1',
      [first.id],
    );
    const second = (await as(editor).post(`/api/scheduled-reports/${scheduleId}/run`).expect(202))
      .body;
    const [skipped] = await settledDeliveries(t, second.id);
    expect(skipped).toMatchObject({ status: 'skipped', metadata: { reason: 'unsubscribed' } });
    // A manual resend does not reach an unsubscribed recipient either.
    await as(editor)
      .post(`/api/report-executions/${second.id}/deliveries/${skipped.id}/retry`)
      .expect(409);
    expect(messagesTo('leaver@acme.example')).toHaveLength(0);
  });

  it('SMTP down, then up: the message arrives once', async () => {
    await inbox.stop();
    const execution = await runReportNow(t, editor, {
      recipients: [{ type: 'email', value: 'patient@acme.example' }],
    });
    await waitFor('a failed attempt', async () => {
      const [row] = await t.db.query(
        `SELECT attempts, error_message FROM report_deliveries WHERE report_execution_id = $1`,
        [execution.id],
      );
      return row?.attempts >= 1 && row.error_message;
    });
    await inbox.start();
    const [row] = await settledDeliveries(t, execution.id);
    expect(row.status).toBe('sent');
    expect(row.attempts).toBeGreaterThan(1);
    await queuesDrained(t);
    expect(messagesTo('patient@acme.example')).toHaveLength(1);
  });

  it('4xx then success is retried; 5xx bounces, tells the creator, and resend-failed serves only it', async () => {
    inbox.failNextRecipients(451, '4.3.0 try again later', 1, 'greylisted@acme.example');
    const retried = await runReportNow(t, editor, {
      recipients: [{ type: 'email', value: 'greylisted@acme.example' }],
    });
    const [ok] = await settledDeliveries(t, retried.id);
    expect(ok).toMatchObject({ status: 'sent', attempts: 2 });

    inbox.clear();
    inbox.failNextRecipients(550, '5.1.1 mailbox unavailable', 1, 'gone@acme.example');
    const bounced = await runReportNow(t, editor, {
      recipients: [{ type: 'email', value: 'gone@acme.example' }],
    });
    const [row] = await settledDeliveries(t, bounced.id);
    expect(row.status).toBe('bounced');
    expect(row.attempts).toBe(1);
    expect(row.error_message).toContain('550');
    const notices = await inbox.waitForMessagesTo(editor.email);
    const notice = notices.find((m) => m.envelope.to.includes(editor.email));
    expect(notice?.parsed.text).toContain('gone@acme.example');

    inbox.clear();
    const viewer = newMember(orgId, { roles: ['viewer'] });
    await clientFor(t, viewer)
      .post(`/api/report-executions/${bounced.id}/resend-failed`)
      .expect(403);
    const resent = await as(editor)
      .post(`/api/report-executions/${bounced.id}/resend-failed`)
      .expect(202);
    expect(resent.body.deliveries[0].status).toBe('pending');
    const [again] = await settledDeliveries(t, bounced.id);
    expect(again.status).toBe('sent');
    expect(messagesTo('gone@acme.example')).toHaveLength(1);
    // Nothing failed any more: a second resend reopens nothing and sends nothing.
    const noop = await as(editor)
      .post(`/api/report-executions/${bounced.id}/resend-failed`)
      .expect(202);
    expect(noop.body.deliveries).toMatchObject([{ id: again.id, status: 'sent' }]);
    await queuesDrained(t);
    expect(messagesTo('gone@acme.example')).toHaveLength(1);
  });

  it('skips empty reports (skip_if_empty) and unchanged content (only_if_changed)', async () => {
    const empty = await runReportNow(t, editor, {
      report_parameters: { date_range: { preset: 'custom', from: '2001-01-01', to: '2001-01-02' } },
      delivery_options: { skip_if_empty: true },
    });
    const [skipped] = await settledDeliveries(t, empty.id);
    expect(skipped).toMatchObject({ status: 'skipped', metadata: { reason: 'empty' } });

    const first = await runReportNow(t, editor, {
      report_parameters: { date_range: { preset: 'custom', from: '2025-01-01', to: '2025-12-31' } },
      delivery_options: { only_if_changed: true },
    });
    expect((await settledDeliveries(t, first.id))[0].status).toBe('sent');
    const [{ scheduled_report_id: scheduleId }] = await t.db.query(
      'SELECT scheduled_report_id FROM report_executions WHERE id = $1',
      [first.id],
    );
    const rerun = (await as(editor).post(`/api/scheduled-reports/${scheduleId}/run`).expect(202))
      .body;
    const [unchanged] = await settledDeliveries(t, rerun.id);
    expect(unchanged).toMatchObject({ status: 'skipped', metadata: { reason: 'unchanged' } });
  });

  it('mails a member at their current address, and skips a deactivated or removed one', async () => {
    const moved = newMember(orgId, { roles: ['viewer'] });
    const leaving = newMember(orgId, { roles: ['viewer'] });
    const removed = newMember(orgId, { roles: ['viewer'] });
    for (const m of [moved, leaving, removed]) await as(m).get('/api/members').expect(200);
    const schedule = (
      await as(editor)
        .post(
          '/api/scheduled-reports',
          scheduleBody({
            recipients: [moved, leaving, removed].map((m) => ({ type: 'user_id', value: m.sub })),
            report_parameters: { date_range: { preset: 'last_7_days' } },
          }),
        )
        .expect(201)
    ).body;
    // After the schedule was saved: one member changes address, one leaves, one is removed.
    await t.db.query(`UPDATE members SET email = 'new-address@acme.example' WHERE user_id = $1`, [
      moved.sub,
    ]);
    await t.db.query(`UPDATE members SET is_active = false WHERE user_id = $1`, [leaving.sub]);
    await t.db.query(`DELETE FROM members WHERE user_id = $1`, [removed.sub]);
    const run = (await as(editor).post(`/api/scheduled-reports/${schedule.id}/run`).expect(202))
      .body;
    const rows = await settledDeliveries(t, run.id);
    const bySub = (m: TestMember) => rows.find((r) => r.recipient_value === m.sub)!;
    expect(bySub(moved).status).toBe('sent');
    expect(bySub(leaving)).toMatchObject({
      status: 'skipped',
      metadata: { reason: 'member_inactive' },
    });
    expect(bySub(removed)).toMatchObject({
      status: 'skipped',
      metadata: { reason: 'member_removed' },
    });
    expect(messagesTo('new-address@acme.example')).toHaveLength(1);
    expect(messagesTo(moved.email)).toHaveLength(0);
  });

  it('another organization cannot see or resend these deliveries', async () => {
    const execution = await runReportNow(t, editor);
    const [delivery] = await settledDeliveries(t, execution.id);
    const otherOrg = (await newOrg(t.db)).id;
    const stranger = newMember(otherOrg, { roles: ['admin'] });
    await clientFor(t, stranger).get(`/api/report-executions/${execution.id}`).expect(404);
    await clientFor(t, stranger)
      .post(`/api/report-executions/${execution.id}/deliveries/${delivery.id}/retry`)
      .expect(404);
    await clientFor(t, stranger)
      .post(`/api/report-executions/${execution.id}/resend-failed`)
      .expect(404);
    await as(editor)
      .post(`/api/report-executions/${execution.id}/deliveries/not-a-uuid/retry`)
      .expect(400);
  });
});
