import dns from 'node:dns';
import { Readable } from 'node:stream';
import type { AppConfigService } from 'src/config/app-config.service';
import { WebhookChannel } from 'src/modules/delivery/channels/webhook.channel';
import type { DeliveryContext } from 'src/modules/delivery/delivery-channel';
import {
  PermanentDeliveryError,
  RetryableDeliveryError,
  UnknownOutcomeError,
} from 'src/modules/delivery/delivery.errors';
import { verifyWebhookSignature } from 'src/modules/delivery/webhook-signature';
import { startWebhookReceiver, type WebhookReceiver } from 'test/utils/webhook-receiver';
import { newDeliveryContext } from 'test/factories/delivery-context';

const SECRET = 'whsec_current_0123456789';
const PREVIOUS = 'whsec_previous_9876543210';

function channelFor(allowHosts: string[] = ['127.0.0.1'], webhookTimeoutMs = 2000) {
  const config = {
    values: { outboundAllowHosts: allowHosts, delivery: { webhookTimeoutMs } },
  } as unknown as AppConfigService;
  return new WebhookChannel(config);
}

function context(url: string, secrets: string[] = [SECRET], attempt = 1): DeliveryContext {
  return newDeliveryContext({
    deliveryId: '6f1c1d5e-0d1a-4c55-9d55-2b1f3f0c9a01',
    attempt,
    recipient: { type: 'webhook', value: url, email: undefined },
    organization: { brandName: 'Acme', webhookSecrets: secrets },
    execution: { fileSize: 345, resource: { id: 'e-1', status: 'completed', file_size: 345 } },
    downloadUrl: 'http://localhost:3000/api/files/tok.en',
    unsubscribeUrl: null,
    historyUrl: 'http://localhost:3000/api/scheduled-reports/s-1/executions',
    openFile: async () => Readable.from([Buffer.from('a,b\n')]),
  });
}

const failure = (promise: Promise<unknown>) => promise.then(() => null).catch((e: unknown) => e);

describe('WebhookChannel (against a local receiver)', () => {
  let receiver: WebhookReceiver;
  const channel = channelFor();

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
  });
  afterEach(() => receiver.reset());
  afterAll(() => receiver.stop());

  it('POSTs the { event, execution, report, download_url } body, signed so that the receiver can verify it', async () => {
    const sent = await channel.send(context(receiver.url));
    expect(sent).toEqual({ metadata: { http_status: 200 } });
    const [request] = receiver.requests;
    expect(request.method).toBe('POST');
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.headers['user-agent']).toMatch(/^scheduled-reports-webhook/);
    expect(request.headers['x-event-id']).toBe('6f1c1d5e-0d1a-4c55-9d55-2b1f3f0c9a01');
    expect(request.json).toEqual({
      event: 'report.completed',
      execution: { id: 'e-1', status: 'completed', file_size: 345 },
      report: {
        id: 's-1',
        name: 'Weekly invoices',
        report_type: 'invoice_summary',
        output_format: 'csv',
      },
      download_url: 'http://localhost:3000/api/files/tok.en',
    });
    const signature = String(request.headers['x-signature']);
    expect(signature).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(verifyWebhookSignature(signature, request.body, SECRET, 300)).toBe(true);
    expect(verifyWebhookSignature(signature, request.body, 'wrong', 300)).toBe(false);
  });

  it('signs with the previous secret too during its grace period', async () => {
    await channel.send(context(receiver.url, [SECRET, PREVIOUS]));
    const [request] = receiver.requests;
    const signature = String(request.headers['x-signature']);
    expect(signature.match(/v1=/g)).toHaveLength(2);
    expect(verifyWebhookSignature(signature, request.body, SECRET, 300)).toBe(true);
    expect(verifyWebhookSignature(signature, request.body, PREVIOUS, 300)).toBe(true);
  });

  it('keeps X-Event-Id the same on a retry', async () => {
    receiver.respondWith([{ status: 500 }, { status: 204 }]);
    const first = await failure(channel.send(context(receiver.url, [SECRET], 1)));
    expect(first).toBeInstanceOf(RetryableDeliveryError);
    await expect(channel.send(context(receiver.url, [SECRET], 2))).resolves.toEqual({
      metadata: { http_status: 204 },
    });
    const ids = receiver.requests.map((r) => r.headers['x-event-id']);
    expect(ids).toEqual(['6f1c1d5e-0d1a-4c55-9d55-2b1f3f0c9a01', ids[0]]);
  });

  it.each([500, 502, 503, 408])('retries after HTTP %i', async (status) => {
    receiver.respondWith([{ status, body: 'upstream down' }]);
    const error = await failure(channel.send(context(receiver.url)));
    expect(error).toBeInstanceOf(RetryableDeliveryError);
    expect((error as Error).message).toBe(
      `webhook receiver answered HTTP ${status}: upstream down`,
    );
  });

  it('honours Retry-After on a 429, in seconds or as an HTTP date', async () => {
    receiver.respondWith([
      { status: 429, headers: { 'Retry-After': '7' } },
      { status: 429, headers: { 'Retry-After': new Date(Date.now() + 60_000).toUTCString() } },
    ]);
    const seconds = await failure(channel.send(context(receiver.url)));
    expect(seconds).toBeInstanceOf(RetryableDeliveryError);
    expect((seconds as RetryableDeliveryError).retryAfterMs).toBe(7000);
    const date = (await failure(channel.send(context(receiver.url)))) as RetryableDeliveryError;
    expect(date.retryAfterMs).toBeGreaterThan(55_000);
    expect(date.retryAfterMs).toBeLessThanOrEqual(60_000);
  });

  it.each([400, 404, 410, 422])('fails for good on HTTP %i', async (status) => {
    receiver.respondWith([{ status, body: 'no such hook' }]);
    const error = await failure(channel.send(context(receiver.url)));
    expect(error).toBeInstanceOf(PermanentDeliveryError);
    expect((error as PermanentDeliveryError).outcome).toBe('failed');
    expect((error as Error).message).toMatch(
      new RegExp(`refused the delivery with HTTP ${status}: no such hook; not retried`),
    );
  });

  it('calls a receiver slower than the timeout an unknown outcome (it may have acted on it)', async () => {
    receiver.respondWith([{ status: 200, delayMs: 1500 }]);
    const started = Date.now();
    const error = await failure(channelFor(['127.0.0.1'], 200).send(context(receiver.url)));
    expect(error).toBeInstanceOf(UnknownOutcomeError);
    expect((error as Error).message).toBe('webhook receiver did not answer within 200 ms');
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('fails for good on a redirect and never requests its Location', async () => {
    receiver.respondWith([{ status: 302, headers: { Location: '/elsewhere' } }]);
    const error = await failure(channel.send(context(receiver.url)));
    expect(error).toBeInstanceOf(PermanentDeliveryError);
    expect((error as Error).message).toMatch(/HTTP 302 redirecting to \/elsewhere.*not followed/);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(receiver.requests.map((r) => r.path)).toEqual(['/hook']);
  });

  it('retries when the receiver is not listening', async () => {
    const gone = await startWebhookReceiver();
    await gone.stop();
    const error = await failure(channel.send(context(gone.url)));
    expect(error).toBeInstanceOf(RetryableDeliveryError);
    expect((error as Error).message).toMatch(/^webhook request failed: .*ECONNREFUSED/);
  });

  it('fails for good, sending nothing, when the organization has no secret', async () => {
    const error = await failure(channel.send(context(receiver.url, [])));
    expect(error).toBeInstanceOf(PermanentDeliveryError);
    expect((error as Error).message).toMatch(/POST \/api\/admin\/webhook-secret/);
    expect(receiver.requests).toHaveLength(0);
  });
});

describe('WebhookChannel SSRF guard', () => {
  const guarded = channelFor([]);

  it.each([
    ['http://127.0.0.1:9/hook', '127.0.0.1 is a private or reserved address'],
    ['http://10.0.0.1/hook', '10.0.0.1 is a private or reserved address'],
    ['http://169.254.169.254/latest/meta-data', '169.254.169.254 is a private or reserved address'],
    ['http://[::1]/hook', '::1 is a private or reserved address'],
    ['http://[::ffff:127.0.0.1]/hook', '127.0.0.1 is a private or reserved address'],
    ['http://2130706433/hook', '127.0.0.1 is a private or reserved address'],
    ['http://0x7f.1/hook', '127.0.0.1 is a private or reserved address'],
    ['http://localhost/hook', 'localhost is this machine (loopback)'],
  ])('refuses %s when it is not allow-listed', async (url, reason) => {
    const error = await failure(guarded.send(context(url)));
    expect(error).toBeInstanceOf(PermanentDeliveryError);
    expect((error as Error).message).toBe(
      `webhook target ${reason} (only hosts in OUTBOUND_ALLOW_HOSTS are exempt)`,
    );
  });

  it('refuses a hostname that resolves to 127.0.0.1, on the address it would connect to', async () => {
    const lookup = jest
      .spyOn(dns, 'lookup')
      .mockImplementation(((
        _host: string,
        _options: unknown,
        callback: (error: null, addresses: dns.LookupAddress[]) => void,
      ) => callback(null, [{ address: '127.0.0.1', family: 4 }])) as unknown as typeof dns.lookup);
    try {
      const error = await failure(guarded.send(context('https://hooks.customer.example/in')));
      expect(error).toBeInstanceOf(PermanentDeliveryError);
      expect((error as Error).message).toBe(
        'webhook target hooks.customer.example resolves to 127.0.0.1, which is a private or ' +
          'reserved address (only hosts in OUTBOUND_ALLOW_HOSTS are exempt)',
      );
      expect(lookup).toHaveBeenCalled();
    } finally {
      lookup.mockRestore();
    }
  });

  it('refuses the local receiver itself until 127.0.0.1 is allow-listed', async () => {
    const receiver = await startWebhookReceiver();
    try {
      await expect(guarded.send(context(receiver.url))).rejects.toBeInstanceOf(
        PermanentDeliveryError,
      );
      expect(receiver.requests).toHaveLength(0);
      await expect(channelFor(['127.0.0.1']).send(context(receiver.url))).resolves.toEqual({
        metadata: { http_status: 200 },
      });
    } finally {
      await receiver.stop();
    }
  });
});
