import { Test, type TestingModule } from '@nestjs/testing';
import { randomBytes, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { AppConfigService } from 'src/config/app-config.service';
import { ConfigModule } from 'src/config/config.module';
import { EmailChannel } from 'src/modules/delivery/channels/email.channel';
import type { DeliveryContext } from 'src/modules/delivery/delivery-channel';
import {
  PermanentDeliveryError,
  RetryableDeliveryError,
} from 'src/modules/delivery/delivery.errors';
import { MailModule } from 'src/modules/delivery/mail/mail.module';
import { NoticeMailer } from 'src/modules/delivery/mail/notice-mailer';
import { startSmtpInbox, type SmtpInbox, headerValues } from 'test/utils/smtp-inbox';
import { testAppEnv } from 'test/utils/test-env';
import { newDeliveryContext } from 'test/factories/delivery-context';

const FILE = randomBytes(256 * 1024);
/** As long as a real signed token, so a folded header line would show. */
const UNSUBSCRIBE_URL = `https://reports.example/api/unsubscribe/${'x'.repeat(220)}.sig`;

function context(overrides: Partial<DeliveryContext> = {}): DeliveryContext {
  return newDeliveryContext({
    recipient: { type: 'user_id', value: 'u-eve', name: 'Eve Example' },
    organization: { id: randomUUID() },
    schedule: { id: randomUUID(), outputFormat: 'pdf' },
    execution: {
      id: randomUUID(),
      dataAsOf: new Date('2026-11-09T08:00:01Z'),
      rowsGenerated: 42,
      fileSize: FILE.length,
      fileName: 'Weekly_2026-11-09.pdf',
      contentType: 'application/pdf',
    },
    downloadUrl: 'https://reports.example/api/files/download-token',
    linkExpiresAt: new Date('2026-11-16T08:00:00Z'),
    unsubscribeUrl: UNSUBSCRIBE_URL,
    historyUrl: 'https://reports.example/api/scheduled-reports/s/executions',
    openFile: async () => Readable.from([FILE.subarray(0, 1000), FILE.subarray(1000)]),
    ...overrides,
  });
}

describe('EmailChannel against a real SMTP server', () => {
  let inbox: SmtpInbox;
  let moduleRef: TestingModule;
  let channel: EmailChannel;

  beforeAll(async () => {
    inbox = await startSmtpInbox();
    const config = AppConfigService.fromEnv(
      testAppEnv({ SMTP_URL: inbox.url, MAIL_FROM: 'Reports <reports@reports.example>' }),
    );
    moduleRef = await Test.createTestingModule({
      imports: [ConfigModule, MailModule],
      providers: [EmailChannel],
    })
      .overrideProvider(AppConfigService)
      .useValue(config)
      .compile();
    await moduleRef.init();
    channel = moduleRef.get(EmailChannel);
  });

  afterAll(async () => {
    await moduleRef?.close();
    await inbox?.stop();
  });

  beforeEach(() => inbox.clear());

  it('attaches the file byte for byte, with unsubscribe headers and a stable Message-ID', async () => {
    const ctx = context();
    const result = await channel.send(ctx);
    const [message] = await inbox.waitForMessages(1);
    const messageId = `<${ctx.deliveryId}@reports.example>`;
    expect(result.metadata).toMatchObject({ message_id: messageId, attached: true });
    expect(String(result.metadata?.smtp_response)).toMatch(/^250 /);
    expect(message.envelope).toEqual({ from: 'reports@reports.example', to: ['eve@example.com'] });
    expect(message.parsed.messageId).toBe(messageId);
    expect(message.parsed.subject).toBe('Weekly invoices (2026-11-02 to 2026-11-08)');
    expect(message.parsed.from?.value).toEqual([
      { name: 'Acme Billing', address: 'reports@reports.example' },
    ]);
    expect(headerValues(message, 'List-Unsubscribe')).toEqual([`<${UNSUBSCRIBE_URL}>`]);
    expect(headerValues(message, 'List-Unsubscribe-Post')).toEqual(['List-Unsubscribe=One-Click']);
    expect(message.parsed.attachments).toHaveLength(1);
    const [attachment] = message.parsed.attachments;
    expect(attachment.filename).toBe('Weekly_2026-11-09.pdf');
    expect(attachment.contentType).toBe('application/pdf');
    expect(attachment.content.equals(FILE)).toBe(true);
    expect(message.parsed.text).toContain('Data as of: Nov 9, 2026, 9:00 AM GMT+1');
    expect(message.parsed.text).toContain(`Unsubscribe from this report: ${UNSUBSCRIBE_URL}`);
    expect(message.parsed.html).toContain(`href="${UNSUBSCRIBE_URL}"`);

    await channel.send(ctx);
    const [, again] = await inbox.waitForMessages(2);
    expect(again.parsed.messageId).toBe(messageId);
  });

  it('sends the signed link instead of a file above the attachment limit', async () => {
    const openFile = jest.fn();
    const ctx = context({ openFile });
    ctx.organization.attachmentLimitBytes = FILE.length - 1;
    const result = await channel.send(ctx);
    const [message] = await inbox.waitForMessages(1);
    expect(result.metadata).toMatchObject({ attached: false });
    expect(openFile).not.toHaveBeenCalled();
    expect(message.parsed.attachments).toHaveLength(0);
    expect(message.parsed.text).toContain('https://reports.example/api/files/download-token');
    expect(message.parsed.text).toContain('The link expires Nov 16, 2026, 9:00 AM GMT+1.');
    expect(message.parsed.html).toContain(
      'href="https://reports.example/api/files/download-token"',
    );
  });

  it('lets no user input add a header, and escapes HTML in names', async () => {
    const ctx = context();
    ctx.schedule.name = '<b>Weekly</b>\r\nBcc: x@evil.example';
    ctx.recipient.name = 'Eve\r\nCc: y@evil.example';
    ctx.organization.brandName = 'Acme\nReply-To: z@evil.example';
    await channel.send(ctx);
    const [message] = await inbox.waitForMessages(1);
    expect(message.envelope.to).toEqual(['eve@example.com']);
    for (const name of ['bcc', 'cc', 'reply-to']) expect(headerValues(message, name)).toEqual([]);
    const headerBlock = message.raw.toString('latin1').split('\r\n\r\n')[0];
    expect(headerBlock).not.toMatch(/^(Bcc|Cc|Reply-To):/im);
    expect(message.parsed.subject).toBe(
      '<b>Weekly</b> Bcc: x@evil.example (2026-11-02 to 2026-11-08)',
    );
    expect(message.parsed.html).toContain('&lt;b&gt;Weekly&lt;/b&gt;');
    expect(message.parsed.html).not.toContain('<b>Weekly');
    expect(message.parsed.text).toContain('<b>Weekly</b>');
  });

  it('retries a 4xx, then delivers on the next try', async () => {
    inbox.failNextRecipients(451, '4.3.0 mailbox busy, try later');
    const ctx = context();
    const failed = channel.send(ctx);
    await expect(failed).rejects.toBeInstanceOf(RetryableDeliveryError);
    await expect(failed).rejects.toThrow('SMTP 451 4.3.0 mailbox busy, try later');
    expect(inbox.messages).toHaveLength(0);
    await channel.send({ ...ctx, attempt: 2 });
    expect(await inbox.waitForMessages(1)).toHaveLength(1);
  });

  it('bounces a recipient refused with 5xx', async () => {
    inbox.failNextRecipients(550, '5.1.1 mailbox unavailable');
    const error = await channel.send(context()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermanentDeliveryError);
    expect(error).toMatchObject({
      outcome: 'bounced',
      message: 'SMTP 550 5.1.1 mailbox unavailable',
    });
    expect(inbox.messages).toHaveLength(0);
  });

  it('retries while the server is down, and delivers once it is back', async () => {
    const ctx = context();
    await inbox.stop();
    try {
      const failed = channel.send(ctx);
      await expect(failed).rejects.toBeInstanceOf(RetryableDeliveryError);
      await expect(failed).rejects.toThrow(/ECONNREFUSED/);
    } finally {
      await inbox.start();
    }
    await channel.send({ ...ctx, attempt: 2 });
    const messages = await inbox.waitForMessages(1);
    expect(messages).toHaveLength(1);
    expect(messages[0].parsed.messageId).toBe(`<${ctx.deliveryId}@reports.example>`);
  });

  it('sends a failure notice to the creator', async () => {
    const noticeId = randomUUID();
    const sent = await moduleRef.get(NoticeMailer).send({
      noticeId,
      kind: 'delivery_failed',
      to: ['owner@example.com'],
      brandName: 'Acme Billing',
      scheduleName: 'Weekly <invoices>',
      scheduleId: 's-1',
      executionId: 'e-1',
      scheduledFor: new Date('2026-11-09T08:00:00Z'),
      timezone: 'America/New_York',
      reason: 'a delivery failed for good',
      failedDeliveries: [
        { recipient: 'eve@example.com', error: 'SMTP 550 5.1.1 mailbox unavailable' },
      ],
      historyUrl: 'https://reports.example/api/scheduled-reports/s-1/executions',
    });
    const [message] = await inbox.waitForMessages(1);
    expect(sent).toEqual({ message_ids: [`<notice-${noticeId}@reports.example>`] });
    expect(message.parsed.messageId).toBe(sent.message_ids[0]);
    expect(message.envelope.to).toEqual(['owner@example.com']);
    expect(message.parsed.subject).toBe('Report not delivered: Weekly <invoices>');
    expect(message.parsed.text).toContain('- eve@example.com: SMTP 550 5.1.1 mailbox unavailable');
    expect(message.parsed.text).toContain('Nov 9, 2026, 3:00 AM EST');
    expect(message.parsed.text).toContain(
      'https://reports.example/api/scheduled-reports/s-1/executions',
    );
    expect(message.parsed.html).toContain('Weekly &lt;invoices&gt;');
    expect(headerValues(message, 'List-Unsubscribe')).toEqual([]);
  });

  it('sends an access notice to each admin as a message of its own, each with a stable id', async () => {
    const noticeId = randomUUID();
    const sent = await moduleRef.get(NoticeMailer).send({
      noticeId,
      kind: 'access_revoked',
      to: ['ada@example.com', 'bob@example.com'],
      brandName: 'Acme Billing',
      scheduleName: 'Weekly invoices',
      scheduleId: 's-1',
      executionId: 'e-1',
      scheduledFor: new Date('2026-11-09T08:00:00Z'),
      timezone: 'UTC',
      reason: 'its creator u-1 was deactivated',
      historyUrl: 'https://reports.example/api/scheduled-reports/s-1/executions',
    });
    const messages = await inbox.waitForMessages(2);
    expect(messages.map((m) => m.envelope.to)).toEqual([['ada@example.com'], ['bob@example.com']]);
    expect(messages.map((m) => m.parsed.messageId)).toEqual(sent.message_ids);
    expect(new Set(sent.message_ids).size).toBe(2);
    expect(messages[0].parsed.subject).toBe('Schedule paused, access revoked: Weekly invoices');
    expect(messages[0].parsed.text).toContain('its creator u-1 was deactivated');
    expect(messages[0].parsed.text).toContain('as an administrator of Acme Billing');
  });
});
