import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { newMember, newOrg, scheduleBody, tokenFor, type TestMember } from 'test/factories';
import { clientFor, rawBody } from 'test/utils/http-client';
import { runReportNow } from 'test/utils/run-report';
import { seedOrgData } from 'test/utils/seed-org';
import { createTestApp, TestApp } from 'test/utils/test-app';

jest.setTimeout(120_000);

/** The error body every answer below keeps, whatever went wrong. */
function expectErrorBody(body: Record<string, unknown>, status: number, code: string) {
  expect(body).toEqual({
    statusCode: status,
    error: expect.any(String),
    message: expect.anything(),
    code,
    request_id: expect.any(String),
  });
}

/** A POST sent as is (supertest re-encodes some bodies), answered with status and JSON body. */
async function rawPost(
  t: TestApp,
  path: string,
  body: Buffer,
  headers: Record<string, string>,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const server = t.app.getHttpServer();
  if (!server.listening) await new Promise<void>((resolve) => server.listen(0, resolve));
  const { port } = server.address() as AddressInfo;
  return new Promise((resolve, reject) => {
    const req = request(
      { port, path, method: 'POST', headers: { ...headers, 'Content-Length': body.length } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            body: JSON.parse(Buffer.concat(chunks).toString('utf8')),
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('http hygiene: headers', () => {
  let t: TestApp;
  let viewer: TestMember;

  beforeAll(async () => {
    t = await createTestApp();
    viewer = newMember((await newOrg(t.db)).id, { roles: ['viewer'] });
  });
  afterAll(() => t.close());

  it.each([
    ['a public route', () => t.http().get('/health')],
    ['an API answer', () => clientFor(t, viewer).get('/api/scheduled-reports')],
    ['a 401', () => t.http().get('/api/scheduled-reports')],
    ['a 404', () => clientFor(t, viewer).get('/api/nothing-here')],
    [
      'a 400 from the body parser',
      () => clientFor(t, viewer).post('/api/x').type('json').send('{'),
    ],
  ])('%s carries the security headers and no X-Powered-By', async (_label, call) => {
    const res = await call();
    expect(res.headers).toMatchObject({
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
      'referrer-policy': 'no-referrer',
      'cross-origin-opener-policy': 'same-origin',
      'strict-transport-security': expect.stringContaining('max-age='),
    });
    expect(res.headers['content-security-policy']).toContain("default-src 'none'");
    expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(res.headers).not.toHaveProperty('x-powered-by');
  });

  it('serves Swagger UI at /docs under a policy that lets its own files run', async () => {
    const page = await t.http().get('/docs').expect(200);
    expect(page.headers['content-type']).toContain('text/html');
    const csp = page.headers['content-security-policy'];
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self' 'unsafe-inline'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).not.toContain('unsafe-eval');
    // Every script and stylesheet the page names is served from the same origin.
    const assets = [...page.text.matchAll(/(?:src|href)="([^"]+\.(?:js|css))"/g)].map((m) => m[1]);
    expect(assets.length).toBeGreaterThanOrEqual(3);
    for (const asset of assets) {
      expect(asset).not.toMatch(/^https?:/);
      await t.http().get(new URL(asset, 'http://x/docs').pathname).expect(200);
    }
    await t.http().get('/docs-json').expect(200);
  });

  it('renders Swagger UI in a real browser without a policy violation', async () => {
    const puppeteer = await import('puppeteer');
    const server = t.app.getHttpServer();
    if (!server.listening) await new Promise<void>((resolve) => server.listen(0, resolve));
    const { port } = server.address() as AddressInfo;
    const browser = await puppeteer.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
    });
    try {
      const page = await browser.newPage();
      const violations: string[] = [];
      await page.exposeFunction('reportViolation', (v: string) => violations.push(v));
      // Runs in the page (browser globals), hence a string.
      await page.evaluateOnNewDocument(
        "document.addEventListener('securitypolicyviolation', (e) => " +
          "window.reportViolation(e.violatedDirective + ' ' + e.blockedURI));",
      );
      await page.goto(`http://127.0.0.1:${port}/docs`, { waitUntil: 'networkidle0' });
      await page.waitForSelector('.swagger-ui .info .title', { timeout: 15_000 });
      await page.waitForSelector('.opblock', { timeout: 15_000 });
      expect(violations).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});

describe('http hygiene: hostile input answers 4xx, never 500', () => {
  let t: TestApp;
  let editor: TestMember;
  let scheduleId: string;

  beforeAll(async () => {
    t = await createTestApp();
    editor = newMember((await newOrg(t.db)).id, { roles: ['editor'] });
    scheduleId = (await clientFor(t, editor).post('/api/scheduled-reports', scheduleBody())).body
      .id;
  });
  afterAll(() => t.close());

  const auth = () => ({ Authorization: `Bearer ${tokenFor(editor)}` });
  const postRaw = (body: string | Buffer, contentType = 'application/json') =>
    t.http().post('/api/scheduled-reports').set(auth()).set('Content-Type', contentType).send(body);

  it('a body over 256 KiB is a 413', async () => {
    const body = JSON.stringify(scheduleBody({ description: 'x'.repeat(300 * 1024) }));
    const res = await postRaw(body).expect(413);
    expectErrorBody(res.body, 413, 'PAYLOAD_TOO_LARGE');
    expect(res.body.message).toBe('The request body is larger than 256 KiB');
  });

  it('a body under 256 KiB is read (and judged by validation)', async () => {
    const body = JSON.stringify(scheduleBody({ description: 'x'.repeat(200 * 1024) }));
    const res = await postRaw(body).expect(400);
    expect(JSON.stringify(res.body.message)).toMatch(/description/);
  });

  it('a gzip body that inflates past 256 KiB is a 413', async () => {
    const body = gzipSync(JSON.stringify(scheduleBody({ description: ' '.repeat(2 * 1024 ** 2) })));
    const res = await rawPost(t, '/api/scheduled-reports', body, {
      ...auth(),
      'Content-Type': 'application/json',
      'Content-Encoding': 'gzip',
    });
    expect(res.status).toBe(413);
    expectErrorBody(res.body, 413, 'PAYLOAD_TOO_LARGE');
  });

  it('a corrupt gzip body is a 400', async () => {
    const res = await rawPost(t, '/api/scheduled-reports', Buffer.from('not gzip at all'), {
      ...auth(),
      'Content-Type': 'application/json',
      'Content-Encoding': 'gzip',
    });
    expect(res.status).toBe(400);
    expectErrorBody(res.body, 400, 'VALIDATION_FAILED');
  });

  it.each(['klingon', 'utf-klingon', 'latin1', 'utf-16'])(
    'charset=%s is a 415',
    async (charset) => {
      const res = await postRaw(
        JSON.stringify(scheduleBody()),
        `application/json; charset=${charset}`,
      ).expect(415);
      expectErrorBody(res.body, 415, 'UNSUPPORTED_MEDIA_TYPE');
    },
  );

  it('an unknown Content-Encoding is a 415', async () => {
    const res = await t
      .http()
      .post('/api/scheduled-reports')
      .set(auth())
      .set('Content-Type', 'application/json')
      .set('Content-Encoding', 'compress')
      .send(JSON.stringify(scheduleBody()))
      .expect(415);
    expectErrorBody(res.body, 415, 'UNSUPPORTED_MEDIA_TYPE');
  });

  it.each([
    ['a name', () => scheduleBody({ name: 'Weekly\u0000invoices' })],
    ['a description', () => scheduleBody({ description: '\u0000' })],
    ['a key', () => scheduleBody({ report_parameters: { 'date_range\u0000': {} } })],
    [
      'a recipient',
      () => scheduleBody({ recipients: [{ type: 'email', value: 'a\u0000@acme.example' }] }),
    ],
  ])('a NUL in %s is a 400', async (_label, body) => {
    const res = await postRaw(JSON.stringify(body())).expect(400);
    expectErrorBody(res.body, 400, 'VALIDATION_FAILED');
    expect(res.body.message).toMatch(/NUL/);
  });

  it('a raw NUL byte in a JSON body is a 400', async () => {
    const body = Buffer.from(
      JSON.stringify(scheduleBody({ name: 'AB' })).replace('AB', 'A\u0000B'),
    );
    const res = await postRaw(body).expect(400);
    expectErrorBody(res.body, 400, 'VALIDATION_FAILED');
  });

  it.each([
    '/api/scheduled-reports?q=a%00b',
    '/api/scheduled-reports?report_type=%00',
    '/api/members?q=%00',
    '/api/admin/audit-logs?actor=x%00',
  ])('a NUL in the query of %s is a 400', async (path) => {
    const res = await t.http().get(path).set(auth()).expect(400);
    expectErrorBody(res.body, 400, 'VALIDATION_FAILED');
  });

  it.each([
    'page=1e300',
    'page=99999999999999999999',
    'page=1000001',
    'page=Infinity',
    'page=-0',
    'limit=-1',
    'limit=1e300',
    'limit=0x7fffffffffffffff',
  ])('?%s is a 400', async (query) => {
    for (const path of [
      '/api/scheduled-reports',
      '/api/members',
      `/api/scheduled-reports/${scheduleId}/executions`,
    ]) {
      const res = await t.http().get(`${path}?${query}`).set(auth());
      expect({ path, status: res.status }).toEqual({ path, status: 400 });
      expectErrorBody(res.body, 400, 'VALIDATION_FAILED');
    }
  });

  it.each(['count=1e300', 'count=-1', 'count=99999999999999999999'])(
    'next-runs ?%s is a 400',
    async (query) => {
      await t
        .http()
        .get(`/api/scheduled-reports/${scheduleId}/next-runs?${query}`)
        .set(auth())
        .expect(400);
    },
  );

  it.each([
    ['65 levels', 65],
    ['5,000 levels', 5000],
    ['200,000 levels', 200_000],
  ])('JSON nested %s deep is a 400', async (_label, depth) => {
    const nested = `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
    const body = JSON.stringify(scheduleBody({ report_parameters: { date_range: 'X' } })).replace(
      '"X"',
      nested,
    );
    const res = await postRaw(body);
    // 200,000 levels is over the size limit before its depth is seen.
    expect([400, 413]).toContain(res.status);
    if (depth < 100_000) {
      expect(res.status).toBe(400);
      expect(res.body.message).toBe('The JSON body is nested deeper than 64 levels');
    }
  });

  it('malformed JSON is a 400 that does not quote the body', async () => {
    const res = await postRaw('{"name": secret-token-123}').expect(400);
    expectErrorBody(res.body, 400, 'VALIDATION_FAILED');
    expect(res.body.message).toBe('The request body is not valid JSON');
  });
});

describe('http hygiene: downloads', () => {
  let t: TestApp;
  let editor: TestMember;

  beforeAll(async () => {
    t = await createTestApp({ role: 'all' });
    const orgId = (await newOrg(t.db)).id;
    editor = newMember(orgId, { roles: ['editor'] });
    await seedOrgData({ orgId, invoices: 20, usageEvents: 10, customers: 5 });
  });
  afterAll(() => t.close());

  it('are never stored by a cache nor sniffed, through the API or a signed link', async () => {
    const execution = await runReportNow(t, editor, { recipients: [] });
    expect(execution.status).toBe('completed');
    const viaApi = await clientFor(t, editor)
      .get(`/api/report-executions/${execution.id}/download`)
      .buffer(true)
      .parse(rawBody)
      .expect(200);
    const link = await clientFor(t, editor)
      .post(`/api/report-executions/${execution.id}/download-link`)
      .expect(200);
    const viaLink = await t
      .http()
      .get(new URL(link.body.url).pathname)
      .buffer(true)
      .parse(rawBody)
      .expect(200);
    for (const res of [viaApi, viaLink]) {
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['content-disposition']).toMatch(/^attachment;/);
    }
  });
});

describe('http hygiene: delivery details', () => {
  let t: TestApp;
  let orgId: string;
  let executionId: string;
  const hook = 'https://hooks.example.com/services/T0/B0/s3cr3t-path?token=s3cr3t-query';

  beforeAll(async () => {
    t = await createTestApp();
    orgId = (await newOrg(t.db)).id;
    const admin = newMember(orgId, { roles: ['admin'] });
    const schedule = (
      await clientFor(t, admin)
        .post('/api/scheduled-reports', scheduleBody({ recipients: [] }))
        .expect(201)
    ).body;
    [{ id: executionId }] = await t.db.query(
      `INSERT INTO report_executions (organization_id, scheduled_report_id, trigger, scheduled_for, status,
                                      completed_at)
       VALUES ($1, $2, 'manual', now(), 'completed', now()) RETURNING id`,
      [orgId, schedule.id],
    );
    await t.db.query(
      `INSERT INTO report_deliveries (organization_id, report_execution_id, recipient_type,
                                      recipient_value, status, attempts, error_message, metadata)
       VALUES ($1, $2, 'webhook', $3, 'failed', 5, $4, $5),
              ($1, $2, 'email', 'ana@acme.example', 'failed', 1, $6, '{}')`,
      [
        orgId,
        executionId,
        hook,
        'gave up after 5 attempts: webhook receiver answered HTTP 502: <pre>upstream ' +
          'billing-db.internal.corp (10.20.30.40) refused; stack at /srv/app/x.js</pre>',
        JSON.stringify({
          http_status: 502,
          previous_error: 'webhook request failed: connect ECONNREFUSED 10.20.30.40:443',
        }),
        'SMTP connection failed: getaddrinfo ENOTFOUND smtp-relay.internal.corp',
      ],
    );
  });
  afterAll(() => t.close());

  const detail = async (role: 'admin' | 'editor' | 'viewer') =>
    (
      await clientFor(t, newMember(orgId, { roles: [role] }))
        .get(`/api/report-executions/${executionId}`)
        .expect(200)
    ).body as { deliveries: Record<string, unknown>[] };

  it.each(['viewer', 'editor'] as const)(
    'an %s sees the webhook host only and no internal details',
    async (role) => {
      const { deliveries } = await detail(role);
      const webhook = deliveries.find((d) => d.recipient_type === 'webhook')!;
      expect(webhook.recipient_value).toBe('https://hooks.example.com/…');
      expect(webhook.error_message).toBe(
        'gave up after 5 attempts: webhook receiver answered HTTP 502 (response body hidden)',
      );
      expect(webhook.metadata).toEqual({
        http_status: 502,
        previous_error: 'webhook request failed: connect ECONNREFUSED [address]',
      });
      const email = deliveries.find((d) => d.recipient_type === 'email')!;
      expect(email.error_message).toBe('SMTP connection failed: getaddrinfo ENOTFOUND [host]');
      expect(JSON.stringify(deliveries)).not.toMatch(/s3cr3t|internal\.corp|10\.20\.30\.40|\/srv/);
    },
  );

  it('an admin sees everything', async () => {
    const { deliveries } = await detail('admin');
    const webhook = deliveries.find((d) => d.recipient_type === 'webhook')!;
    expect(webhook.recipient_value).toBe(hook);
    expect(webhook.error_message).toContain('billing-db.internal.corp (10.20.30.40)');
  });

  it("shows a schedule's webhook URL whole to its creator and admins only", async () => {
    const creator = newMember(orgId, { roles: ['editor'] });
    const schedule = (
      await clientFor(t, creator)
        .post(
          '/api/scheduled-reports',
          scheduleBody({ recipients: [{ type: 'webhook', value: hook }] }),
        )
        .expect(201)
    ).body;
    const seenBy = async (member: TestMember) =>
      (await clientFor(t, member).get(`/api/scheduled-reports/${schedule.id}`).expect(200)).body
        .recipients[0].value;
    const list = async (member: TestMember) =>
      JSON.stringify((await clientFor(t, member).get('/api/scheduled-reports').expect(200)).body);

    expect(schedule.recipients[0].value).toBe(hook);
    expect(await seenBy(creator)).toBe(hook);
    expect(await seenBy(newMember(orgId, { roles: ['admin'] }))).toBe(hook);
    for (const role of ['viewer', 'editor'] as const) {
      const other = newMember(orgId, { roles: [role] });
      expect(await seenBy(other)).toBe('https://hooks.example.com/…');
      expect(await list(other)).not.toMatch(/s3cr3t/);
    }
  });
});

describe('http hygiene: outbound targets', () => {
  let t: TestApp;
  let editor: TestMember;

  beforeAll(async () => {
    t = await createTestApp({ env: { OUTBOUND_ALLOW_HOSTS: 'receiver.test' } });
    editor = newMember((await newOrg(t.db)).id, { roles: ['editor'] });
  });
  afterAll(() => t.close());

  const save = (url: string) =>
    clientFor(t, editor).post(
      '/api/scheduled-reports',
      scheduleBody({ recipients: [{ type: 'webhook', value: url }] }),
    );

  it.each([
    ['plain http', 'http://hooks.example.com/in', /must use https/],
    ['6to4 of loopback', 'https://[2002:7f00:1::1]/in', /carries 127\.0\.0\.1/],
    ['6to4 of the metadata address', 'https://[2002:a9fe:a9fe::]/x', /carries 169\.254\.169\.254/],
    ['Teredo', 'https://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/in', /private or reserved/],
    ['local-use NAT64', 'https://[64:ff9b:1::a00:1]/in', /private or reserved/],
    ['site-local', 'https://[fec0::1]/in', /private or reserved/],
    [
      'ISATAP of a private address',
      'https://[2606:2800:220:1:0:5efe:a00:1]/in',
      /carries 10\.0\.0\.1/,
    ],
  ])('a webhook over %s is refused at save time', async (_label, url, reason) => {
    const res = await save(url).expect(400);
    expect(JSON.stringify(res.body.message)).toMatch(reason);
  });

  it('https to a public host, and plain http to an allow-listed one, are kept', async () => {
    await save('https://hooks.example.com/in').expect(201);
    await save('http://receiver.test:8080/in').expect(201);
  });
});
