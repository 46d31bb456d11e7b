import { lookup } from 'node:dns/promises';
import { hostname } from 'node:os';
import { blockedAddressReason } from 'src/common/net/blocked-address';
import { verifyWebhookSignature } from 'src/modules/delivery/webhook-signature';
import { newMember, newOrg, TestMember } from 'test/factories';
import { settledDeliveries } from 'test/utils/deliveries';
import { clientFor, rawBody } from 'test/utils/http-client';
import { useManualTicks } from 'test/utils/manual-ticks';
import { runReportNow } from 'test/utils/run-report';
import { SmtpInbox, startSmtpInbox } from 'test/utils/smtp-inbox';
import { createTestApp, TestApp } from 'test/utils/test-app';
import { startWebhookReceiver, WebhookReceiver } from 'test/utils/webhook-receiver';

jest.setTimeout(120_000);

describe('webhook delivery against a real HTTP receiver', () => {
  let inbox: SmtpInbox;
  let receiver: WebhookReceiver;
  let t: TestApp;
  let editor: TestMember;
  let secret: string;

  beforeAll(async () => {
    inbox = await startSmtpInbox();
    receiver = await startWebhookReceiver();
    t = await createTestApp({
      role: 'all',
      env: {
        SMTP_URL: inbox.url,
        OUTBOUND_ALLOW_HOSTS: '127.0.0.1',
        WEBHOOK_TIMEOUT_MS: '400',
        JOB_ATTEMPTS: '3',
        JOB_BACKOFF_MS: '200',
      },
    });
    useManualTicks(t.app);
    const orgId = (await newOrg(t.db)).id;
    editor = newMember(orgId, { roles: ['editor'] });
    const admin = newMember(orgId, { roles: ['admin'] });
    secret = (await clientFor(t, admin).post('/api/admin/webhook-secret')).body.secret;
    expect(secret).toEqual(expect.any(String));
  });
  afterAll(async () => {
    await t.close();
    await receiver.stop();
    await inbox.stop();
  });
  beforeEach(() => {
    receiver.reset();
    inbox.clear();
  });

  const runTo = (url: string) =>
    runReportNow(t, editor, { recipients: [{ type: 'webhook', value: url }] });

  it('POSTs the signed { event, execution, report, download_url } body with a stable X-Event-Id and a working download link', async () => {
    const execution = await runTo(`${receiver.url}/reports`);
    const [delivery] = await settledDeliveries(t, execution.id);
    expect(delivery).toMatchObject({ status: 'sent', attempts: 1 });
    const [request] = await receiver.waitForRequests(1);
    expect(request.headers['x-event-id']).toBe(delivery.id);
    expect(request.headers['content-type']).toMatch(/^application\/json/);
    const signature = String(request.headers['x-signature']);
    expect(verifyWebhookSignature(signature, request.body, secret, 300)).toBe(true);
    expect(verifyWebhookSignature(signature, `${request.body} `, secret, 300)).toBe(false);
    const body = request.json as { download_url: string };
    expect(body).toMatchObject({
      event: expect.any(String),
      execution: { id: execution.id, status: 'completed' },
      report: { id: execution.scheduled_report_id, report_type: 'invoice_summary' },
    });
    const file = await t
      .http()
      .get(new URL(body.download_url).pathname)
      .buffer(true)
      .parse(rawBody);
    expect(file.status).toBe(200);
  });

  it('honours 429 Retry-After, then delivers once', async () => {
    receiver.respondWith([{ status: 429, headers: { 'Retry-After': '1' } }, { status: 204 }]);
    const execution = await runTo(`${receiver.url}/limited`);
    const [delivery] = await settledDeliveries(t, execution.id);
    expect(delivery).toMatchObject({ status: 'sent', attempts: 2 });
    const [first, second] = receiver.requests;
    expect(second.receivedAt.getTime() - first.receivedAt.getTime()).toBeGreaterThanOrEqual(950);
    expect(second.headers['x-event-id']).toBe(first.headers['x-event-id']);
  });

  it('a receiver that times out is retried, then failed, and the creator is told', async () => {
    // A slow peer: it answers long after WEBHOOK_TIMEOUT_MS (400 ms), so every attempt times out.
    receiver.respondWith([{ status: 200, delayMs: 2000 }]);
    const execution = await runTo(`${receiver.url}/slow`);
    const [delivery] = await settledDeliveries(t, execution.id);
    expect(delivery.status).toBe('failed');
    expect(delivery.attempts).toBe(3);
    expect(delivery.error_message).toMatch(/gave up after 3 attempts/);
    expect(new Set(receiver.requests.map((r) => r.headers['x-event-id']))).toEqual(
      new Set([delivery.id]),
    );
    const [notice] = await inbox.waitForMessagesTo(editor.email);
    expect(notice.envelope.to).toEqual([editor.email]);
    expect(notice.parsed.text).toContain(`${receiver.url}/slow`);
  });

  it('a 4xx answer fails at once, without retries', async () => {
    receiver.respondWith([{ status: 410, body: 'endpoint retired' }]);
    const execution = await runTo(`${receiver.url}/gone`);
    const [delivery] = await settledDeliveries(t, execution.id);
    expect(delivery).toMatchObject({ status: 'failed', attempts: 1 });
    expect(delivery.error_message).toContain('410');
  });

  it('refuses private targets at save time, and a hostname resolving to loopback at delivery time', async () => {
    const as = clientFor(t, editor);
    for (const url of [
      'http://127.0.0.2/x',
      'http://10.0.0.1/x',
      'http://169.254.169.254/latest/meta-data',
      'http://[::1]/x',
      // 127.0.0.1 itself is allow-listed for the receiver, so its other spellings use .2
      'http://[::ffff:127.0.0.2]/x',
      'http://2130706434/x',
      'http://0x7f.2/x',
      'http://localhost/x',
    ]) {
      const res = await as
        .post('/api/scheduled-reports', {
          name: 'ssrf',
          report_type: 'invoice_summary',
          schedule_config: { cadence: 'daily', time: '09:00', timezone: 'UTC' },
          recipients: [{ type: 'webhook', value: url }],
          report_parameters: { date_range: { preset: 'yesterday' } },
          output_format: 'csv',
        })
        .expect(400);
      expect(JSON.stringify(res.body.message)).toMatch(/private|reserved|localhost|loopback/i);
    }

    // A name that only DNS (here /etc/hosts) turns into a loopback address passes the save-time
    // check, and is refused on the address the worker would connect to.
    const name = await loopbackHostname();
    const execution = await runTo(`https://${name}:${receiver.port}/rebind`);
    const [delivery] = await settledDeliveries(t, execution.id);
    expect(delivery).toMatchObject({ status: 'failed', attempts: 1 });
    expect(delivery.error_message).toMatch(/private or reserved/);
    expect(receiver.requests).toHaveLength(0);
  });
});

/** This machine's own name, which resolves to a loopback address on the dev and CI machines. */
async function loopbackHostname(): Promise<string> {
  for (const name of [hostname(), 'vm', 'runsc']) {
    const found = await lookup(name, { all: true }).catch(() => []);
    if (found.length > 0 && found.every((a) => blockedAddressReason(a.address))) return name;
  }
  throw new Error('no hostname of this machine resolves to a loopback address; see /etc/hosts');
}
