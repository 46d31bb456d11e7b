import type { DeliveryContext } from 'src/modules/delivery/delivery-channel';
import { PermanentDeliveryError } from 'src/modules/delivery/delivery.errors';
import { MailTemplates } from 'src/modules/delivery/mail/mail-templates';
import type { MailTransport, OutgoingMail } from 'src/modules/delivery/mail/mail-transport';
import { EmailChannel, reportSubject } from './email.channel';
import { newDeliveryContext } from 'test/factories/delivery-context';

function context(overrides: Partial<DeliveryContext> = {}): DeliveryContext {
  return newDeliveryContext({
    deliveryId: '0b7d3c1e-1111-4111-8111-000000000001',
    recipient: { timezone: 'America/New_York' },
    organization: { id: 'o-1', attachmentLimitBytes: 1000 },
    schedule: { timezone: 'America/New_York' },
    execution: {
      scheduledFor: new Date('2026-11-09T14:00:00Z'),
      completedAt: new Date('2026-11-09T14:00:05Z'),
      dataAsOf: new Date('2026-11-09T14:00:01Z'),
      rowsGenerated: 1204,
      fileSize: 1000,
      fileName: 'Weekly_2026-11-09.csv',
    },
    downloadUrl: 'https://reports.example/api/files/tok',
    linkExpiresAt: new Date('2026-11-16T14:00:00Z'),
    ...overrides,
  });
}

describe('EmailChannel', () => {
  let sent: OutgoingMail[];
  let channel: EmailChannel;

  beforeEach(() => {
    sent = [];
    const transport = {
      send: async (mail: OutgoingMail) => {
        sent.push(mail);
        return { messageId: `<${mail.messageKey}@x.io>`, response: '250 OK' };
      },
    } as MailTransport;
    channel = new EmailChannel(new MailTemplates(), transport);
  });

  it('attaches a file at the limit, with one-click unsubscribe and a stable message key', async () => {
    const result = await channel.send(context());
    expect(result.metadata).toEqual({
      message_id: '<0b7d3c1e-1111-4111-8111-000000000001@x.io>',
      attached: true,
      smtp_response: '250 OK',
    });
    const [mail] = sent;
    expect(mail.messageKey).toBe('0b7d3c1e-1111-4111-8111-000000000001');
    expect(mail.attachment).toMatchObject({
      filename: 'Weekly_2026-11-09.csv',
      contentType: 'text/csv',
    });
    expect(mail.headers).toMatchObject({
      'List-Unsubscribe': '<https://reports.example/api/unsubscribe/utok>',
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    });
    expect(mail.fromName).toBe('Acme Billing');
    expect(mail.text).toContain('Period: 2026-11-02 to 2026-11-08');
    expect(mail.text).toContain('Data as of: Nov 9, 2026, 9:00 AM EST');
    expect(mail.text).toContain('Rows: 1,204');
  });

  it('shows the totals by period as a small table, escaped in HTML, only when there are some', async () => {
    await channel.send(
      context({
        execution: {
          ...context().execution,
          summaryTotals: {
            period_column: 'Month',
            amount_column: 'Revenue',
            truncated: false,
            totals: [
              { period: '<b>2026-10</b>', currency: 'EUR', rows: 1204, amount: '99.50' },
              { period: '2026-11', currency: 'USD', rows: 3, amount: '-1.00' },
            ],
          },
        },
      }),
    );
    await channel.send(context());
    const [withTotals, without] = sent;
    expect(withTotals.html).toContain('Totals by Month');
    expect(withTotals.html).toContain('&lt;b&gt;2026-10&lt;/b&gt;');
    expect(withTotals.html).not.toContain('<b>2026-10</b>');
    expect(withTotals.html).toMatch(/<td[^>]*>99\.50<\/td>/);
    expect(withTotals.text).toContain('<b>2026-10</b> EUR: 1,204 rows, 99.50');
    expect(withTotals.text).toContain('2026-11 USD: 3 rows, -1.00');
    expect(without.html).not.toContain('Totals by');
    expect(without.text).not.toContain('Totals by');
  });

  it('links instead of attaching above the limit, without opening the file', async () => {
    const openFile = jest.fn();
    const ctx = context({ openFile });
    ctx.execution.fileSize = 1001;
    const result = await channel.send(ctx);
    expect(result.metadata).toMatchObject({ attached: false });
    expect(sent[0].attachment).toBeUndefined();
    expect(openFile).not.toHaveBeenCalled();
    expect(sent[0].text).toContain('https://reports.example/api/files/tok');
    expect(sent[0].text).toContain('The link expires Nov 16, 2026, 9:00 AM EST.');
  });

  it('names the period in the subject, else the scheduled date in the recipient zone', () => {
    expect(reportSubject(context())).toBe('Weekly invoices (2026-11-02 to 2026-11-08)');
    const ctx = context();
    ctx.execution.period = null;
    ctx.execution.scheduledFor = new Date('2026-11-09T03:00:00Z');
    expect(reportSubject(ctx)).toBe('Weekly invoices (2026-11-08)');
  });

  it('fails for good when there is no address to mail', async () => {
    const ctx = context();
    ctx.recipient.email = undefined;
    await expect(channel.send(ctx)).rejects.toBeInstanceOf(PermanentDeliveryError);
  });
});
