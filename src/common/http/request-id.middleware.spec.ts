import type { Request, Response } from 'express';
import { currentRequestIds, RequestIdMiddleware, RequestWithIds } from './request-id.middleware';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function serve(clientId?: string) {
  const req = {
    header: (name: string) => (name.toLowerCase() === 'x-request-id' ? clientId : undefined),
  } as unknown as RequestWithIds;
  const headers: Record<string, string> = {};
  const res = { setHeader: (k: string, v: string) => (headers[k] = v) } as unknown as Response;
  let seen: ReturnType<typeof currentRequestIds>;
  new RequestIdMiddleware().use(req as Request & RequestWithIds, res, () => {
    seen = currentRequestIds();
  });
  return { req, headers, seen: seen! };
}

describe('RequestIdMiddleware', () => {
  it('answers an id of its own even when the client sends a sane one, and keeps that apart', () => {
    const { req, headers, seen } = serve('client-12345678');
    expect(headers['X-Request-Id']).toMatch(UUID);
    expect(req.id).toBe(headers['X-Request-Id']);
    expect(req.clientRequestId).toBe('client-12345678');
    expect(seen).toEqual({ requestId: req.id, clientRequestId: 'client-12345678' });
  });

  it('never reuses a client id, not even one shaped like ours', () => {
    const forged = '5d0f3c1e-8a9b-4a53-9f55-1d2c3b4a5e6f';
    const { req } = serve(forged);
    expect(req.id).not.toBe(forged);
    expect(req.clientRequestId).toBe(forged);
  });

  it.each(['short', 'has spaces in it', 'x'.repeat(129), 'inject\r\nheader'])(
    'drops an unsafe client id %j',
    (clientId) => {
      const { req, seen } = serve(clientId);
      expect(req.clientRequestId).toBeUndefined();
      expect(seen.clientRequestId).toBeUndefined();
    },
  );

  it('gives each request a different id, and none outside a request', () => {
    expect(serve().req.id).not.toBe(serve().req.id);
    expect(currentRequestIds()).toBeUndefined();
  });
});
