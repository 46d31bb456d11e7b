import dns, { type LookupAddress } from 'node:dns';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import {
  guardedLookup,
  guardedRequest,
  OutboundBlockedError,
  OutboundTimeoutError,
  retryAfterMs,
} from './guarded-http';

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

/** A real server on 127.0.0.1 that records what it was asked. */
async function startServer(handler: Handler): Promise<{ base: string; paths: string[] } & Closer> {
  const paths: string[] = [];
  const server = createServer((req, res) => {
    paths.push(req.url ?? '');
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => handler(req, res, Buffer.concat(chunks).toString('utf8')));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { base: `http://127.0.0.1:${port}`, paths, close: () => closeServer(server) };
}

interface Closer {
  close(): Promise<void>;
}

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

const get = (url: string, allowHosts: string[] = [], timeoutMs = 2000) =>
  guardedRequest({ method: 'GET', url, timeoutMs, allowHosts });

describe('guardedRequest', () => {
  afterEach(() => jest.restoreAllMocks());

  it.each([
    ['http://127.0.0.1/', /127\.0\.0\.1 is a private or reserved address/],
    ['http://10.0.0.1/', /10\.0\.0\.1 is a private or reserved address/],
    ['http://169.254.169.254/latest/meta-data', /169\.254\.169\.254 is a private or reserved/],
    ['http://[::1]/', /::1 is a private or reserved address/],
    ['http://[::ffff:127.0.0.1]/', /private or reserved address/],
    ['http://2130706433/', /127\.0\.0\.1 is a private or reserved address/],
    ['http://0x7f.1/', /127\.0\.0\.1 is a private or reserved address/],
    ['http://localhost/', /localhost is this machine/],
    ['http://api.LOCALHOST:8080/', /api\.localhost is this machine/],
    ['ftp://example.com/file', /ftp:\/\/example\.com\/file is not an http or https URL/],
    ['not a url', /is not a valid URL/],
    ['http://hooks.example.com/in', /^http:\/\/hooks\.example\.com is not https$/],
    ['http://93.184.216.34:8080/in', /^http:\/\/93\.184\.216\.34:8080 is not https$/],
    ['https://[2002:7f00:1::1]/', /carries 127\.0\.0\.1/],
    ['https://[64:ff9b:1::a00:1]/', /private or reserved address/],
    ['https://[2001::1]/', /private or reserved address/],
    ['https://[fec0::1]/', /private or reserved address/],
  ])('refuses %s', async (url, reason) => {
    const error = await get(url).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OutboundBlockedError);
    expect((error as Error).message).toMatch(reason);
  });

  it('refuses a hostname that resolves to a loopback address, at connect time', async () => {
    const lookup = fakeDns({ 'rebind.example': ['127.0.0.1'] });
    const error = await get('https://rebind.example/').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OutboundBlockedError);
    expect((error as Error).message).toBe(
      'rebind.example resolves to 127.0.0.1, which is a private or reserved address',
    );
    expect(lookup).toHaveBeenCalledWith('rebind.example', expect.anything(), expect.anything());
  });

  it('refuses a hostname when any one of its addresses is private', async () => {
    fakeDns({ 'mixed.example': ['93.184.216.34', '10.1.2.3'] });
    await expect(get('https://mixed.example/')).rejects.toThrow(
      /resolves to 10\.1\.2\.3, which is a private/,
    );
  });

  it('says why plain http is refused, so callers can word it', async () => {
    const error = await get('http://hooks.example.com/').catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'insecure' });
  });

  it('refuses a hostname resolving to a 6to4 address of a private network', async () => {
    fakeDns({ 'six.example': ['2002:a00:1::1'] });
    await expect(get('https://six.example/')).rejects.toThrow(
      /resolves to 2002:a00:1::1, which is a private or reserved address/,
    );
  });

  it('reaches an allow-listed address and returns status, headers and body', async () => {
    const server = await startServer((req, res, body) => {
      res.writeHead(201, { 'X-Echo-Method': req.method ?? '' });
      res.end(`got ${body} as ${req.headers['content-type']}`);
    });
    try {
      const answer = await guardedRequest({
        method: 'POST',
        url: `${server.base}/hook`,
        headers: { 'Content-Type': 'text/plain' },
        body: 'hello',
        timeoutMs: 2000,
        allowHosts: ['127.0.0.1'],
      });
      expect(answer.status).toBe(201);
      expect(answer.headers['x-echo-method']).toBe('POST');
      expect(answer.body.toString()).toBe('got hello as text/plain');
      expect(answer.truncated).toBe(false);
    } finally {
      await server.close();
    }
  });

  it('matches allow-listed names case-insensitively, and the guard then stays out', async () => {
    const server = await startServer((_req, res) => res.end('ok'));
    try {
      const url = server.base.replace('127.0.0.1', 'localhost');
      const answer = await get(url, ['LocalHost']);
      expect(answer.body.toString()).toBe('ok');
      // Another spelling of an allow-listed address is the same address.
      expect((await get(server.base, ['0x7f.1'])).status).toBe(200);
    } finally {
      await server.close();
    }
  });

  it('streams a Readable body', async () => {
    const server = await startServer((_req, res, body) => res.end(body.toUpperCase()));
    try {
      const answer = await guardedRequest({
        method: 'PUT',
        url: server.base,
        body: Readable.from([Buffer.from('ab'), Buffer.from('cd')]),
        timeoutMs: 2000,
        allowHosts: ['127.0.0.1'],
      });
      expect(answer.body.toString()).toBe('ABCD');
    } finally {
      await server.close();
    }
  });

  it('returns a 302 as is and never requests its Location', async () => {
    const server = await startServer((_req, res) => {
      res.writeHead(302, { Location: '/elsewhere' });
      res.end();
    });
    try {
      const answer = await get(`${server.base}/start`, ['127.0.0.1']);
      expect(answer.status).toBe(302);
      expect(answer.headers.location).toBe('/elsewhere');
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(server.paths).toEqual(['/start']);
    } finally {
      await server.close();
    }
  });

  it('times out against a server that never answers', async () => {
    const server = await startServer(() => undefined);
    try {
      const started = Date.now();
      const error = await get(server.base, ['127.0.0.1'], 200).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(OutboundTimeoutError);
      expect((error as Error).message).toMatch(/did not answer within 200 ms/);
      expect(Date.now() - started).toBeLessThan(1500);
    } finally {
      await server.close();
    }
  });

  it('times out when the headers come but the body stalls', async () => {
    const server = await startServer((_req, res) => {
      res.writeHead(200);
      res.write('partial');
    });
    try {
      await expect(get(server.base, ['127.0.0.1'], 200)).rejects.toBeInstanceOf(
        OutboundTimeoutError,
      );
    } finally {
      await server.close();
    }
  });

  it('caps the response body it reads', async () => {
    const server = await startServer((_req, res) => res.end(Buffer.alloc(64 * 1024, 'x')));
    try {
      const answer = await guardedRequest({
        method: 'GET',
        url: server.base,
        timeoutMs: 2000,
        allowHosts: ['127.0.0.1'],
        maxResponseBytes: 1000,
      });
      expect(answer.body.length).toBe(1000);
      expect(answer.truncated).toBe(true);
    } finally {
      await server.close();
    }
  });

  it('passes network errors through', async () => {
    const server = await startServer(() => undefined);
    const { base } = server;
    await server.close();
    await expect(get(base, ['127.0.0.1'])).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });
});

describe('guardedLookup', () => {
  afterEach(() => jest.restoreAllMocks());

  const resolve = (host: string, all: boolean) =>
    new Promise<unknown[]>((done) => {
      guardedLookup(host, { all }, (...args: unknown[]) => done(args));
    });

  it('answers one address or all of them, as the socket asked', async () => {
    fakeDns({ 'public.example': ['93.184.216.34', '2606:2800:220:1:248:1893:25c8:1946'] });
    expect(await resolve('public.example', false)).toEqual([null, '93.184.216.34', 4]);
    const [error, addresses] = await resolve('public.example', true);
    expect(error).toBeNull();
    expect(addresses).toHaveLength(2);
  });

  it('refuses IPv4-mapped and unique-local answers', async () => {
    fakeDns({ 'mapped.example': ['::ffff:10.0.0.1'], 'ula.example': ['fd12::1'] });
    for (const host of ['mapped.example', 'ula.example']) {
      const [error] = await resolve(host, true);
      expect(error).toBeInstanceOf(OutboundBlockedError);
    }
  });
});

describe('retryAfterMs', () => {
  const now = Date.parse('2026-11-02T10:00:00Z');
  it.each([
    ['120', 120_000],
    ['Mon, 02 Nov 2026 10:00:30 GMT', 30_000],
    ['Mon, 02 Nov 2026 09:00:00 GMT', 0],
    ['soon', undefined],
    [undefined, undefined],
  ])('reads %s', (value, expected) => {
    expect(retryAfterMs({ 'retry-after': value }, now)).toBe(expected);
  });
});

/** Answers dns.lookup for the given names; everything else fails as unknown. */
function fakeDns(answers: Record<string, string[]>) {
  return jest.spyOn(dns, 'lookup').mockImplementation(((
    host: string,
    _options: unknown,
    callback: (error: Error | null, addresses: LookupAddress[]) => void,
  ) => {
    const addresses = answers[host];
    if (!addresses)
      return callback(Object.assign(new Error('ENOTFOUND'), { code: 'ENOTFOUND' }), []);
    callback(
      null,
      addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })),
    );
  }) as unknown as typeof dns.lookup);
}
