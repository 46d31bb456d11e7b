import { Logger } from '@nestjs/common';
import { newMember, newOrg, TestMember } from 'test/factories';
import { settledDeliveries } from 'test/utils/deliveries';
import { useManualTicks } from 'test/utils/manual-ticks';
import { PrivatePostgres } from 'test/utils/private-postgres';
import { queuesDrained } from 'test/utils/queues';
import { runReportNow } from 'test/utils/run-report';
import { SmtpInbox, startSmtpInbox } from 'test/utils/smtp-inbox';
import { createTestApp, TestApp } from 'test/utils/test-app';
import { waitFor } from 'test/utils/wait-for';

jest.setTimeout(120_000);

const LEASE_MS = 3_000;

/** The database goes away between the SMTP server's 250 and the row saying `sent`. */
describe('delivery when PostgreSQL restarts right after the SMTP 250', () => {
  const pg = new PrivatePostgres();
  let inbox: SmtpInbox;
  let t: TestApp;
  let editor: TestMember;

  beforeAll(async () => {
    await pg.start();
    inbox = await startSmtpInbox();
    t = await createTestApp({
      role: 'all',
      env: {
        DATABASE_URL: pg.url,
        SMTP_URL: inbox.url,
        QUEUE_LOCK_DURATION_MS: String(LEASE_MS),
        JOB_BACKOFF_MS: '200',
      },
    });
    useManualTicks(t.app);
    editor = newMember((await newOrg(t.db)).id, { roles: ['editor'] });
  }, 120_000);
  afterAll(async () => {
    pg.up();
    await t?.close();
    await inbox?.stop();
    pg.destroy();
  });

  it('records the message sent once the database is back, and never sends it twice', async () => {
    const address = 'pg-restart@acme.example';
    const warnings = jest.spyOn(Logger.prototype, 'warn');
    const recordFailures = () =>
      warnings.mock.calls.filter(([message]) =>
        /was sent; recording it failed/.test(String(message)),
      ).length;
    inbox.interceptNextReply(address, { before: () => pg.stop('immediate') });
    try {
      const execution = runReportNow(t, editor, {
        recipients: [{ type: 'email', value: address }],
      });
      await inbox.waitForMessagesTo(address, 1, 60_000);
      // Backing off from 100 ms, the seventh failed write is more than two lease lengths later.
      await waitFor(
        'the sent record to fail for two lease lengths',
        async () => recordFailures() >= 7,
        30_000,
      );
      pg.up();

      const [row] = await settledDeliveries(t, (await execution).id, undefined, 60_000);
      expect(row).toMatchObject({ status: 'sent', attempts: 1 });
      await queuesDrained(t, 30_000);
      const received = inbox.messages.filter((m) => m.envelope.to.includes(address));
      expect(received).toHaveLength(1);
      expect(received[0].parsed.messageId).toBe(`<${row.id}@localhost>`);
    } finally {
      pg.up();
      warnings.mockRestore();
    }
  });
});
