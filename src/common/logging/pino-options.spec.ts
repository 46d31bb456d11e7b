import type { IncomingMessage, ServerResponse } from 'node:http';
import { Writable } from 'node:stream';
import pino, { LoggerOptions } from 'pino';
import { withLogContext } from './log-context';
import { pinoHttpOptions } from './pino-options';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  return { lines, logger: pino(pinoHttpOptions('info') as LoggerOptions, stream) };
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('pino options', () => {
  it("puts the job's org and execution ids on every line written within it, nested ones added", async () => {
    const { lines, logger } = capture();
    withLogContext({ org_id: 'org-1', execution_id: 'exec-1' }, () => {
      logger.info('generating');
      withLogContext({ delivery_id: 'del-1' }, () => logger.warn('sending'));
    });
    logger.info('outside');
    await flush();
    expect(lines[0]).toMatchObject({ msg: 'generating', org_id: 'org-1', execution_id: 'exec-1' });
    expect(lines[1]).toMatchObject({
      org_id: 'org-1',
      execution_id: 'exec-1',
      delivery_id: 'del-1',
    });
    expect(lines[2]).not.toHaveProperty('execution_id');
  });

  it("generates the request id itself, never from the client's X-Request-Id, and reuses one already set", () => {
    const { genReqId } = pinoHttpOptions('info');
    const res = {} as ServerResponse;
    const fromClient = {
      headers: { 'x-request-id': 'forged-id-123' },
    } as unknown as IncomingMessage;
    const id = genReqId?.(fromClient, res);
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(genReqId?.(fromClient, res)).toBe(id);
  });

  it('keeps credentials out of request lines: signed link tokens and auth headers', () => {
    const options = pinoHttpOptions('info');
    const serialize = options.serializers?.req as (req: unknown) => { url: string };
    expect(serialize({ method: 'GET', url: '/api/files/eyJ.secret.sig?x=1' }).url).toBe(
      '/api/files/[redacted]?x=1',
    );
    expect(options.redact).toMatchObject({
      paths: expect.arrayContaining(['req.headers.authorization', 'req.headers.cookie']),
    });
  });
});
