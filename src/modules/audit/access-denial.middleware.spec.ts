import { Logger } from '@nestjs/common';
import { EventEmitter } from 'node:events';
import type { Response } from 'express';
import { Actor } from 'src/common/auth/actor';
import { AccessDenialMiddleware } from './access-denial.middleware';
import { AuditEvent, AuditService } from './audit.service';

const member: Actor = { userId: 'ana', orgId: 'org-1', roles: ['editor'], permissions: [] };

function answer(status: number, body: unknown, user?: Actor) {
  const recorded: { actor: Actor; event: AuditEvent }[] = [];
  const audit = {
    record: async (actor: Actor, event: AuditEvent) => void recorded.push({ actor, event }),
  } as unknown as AuditService;
  const req = {
    method: 'PATCH',
    originalUrl: '/api/scheduled-reports/42?x=1',
    route: { path: '/api/scheduled-reports/:id' },
    id: 'ours-1',
    clientRequestId: 'client-12345678',
    user,
  };
  const sent: unknown[] = [];
  const res = Object.assign(new EventEmitter(), {
    statusCode: status,
    json: (b: unknown) => {
      sent.push(b);
      return res;
    },
  });
  new AccessDenialMiddleware(audit).use(req as never, res as unknown as Response, () => {
    (res as unknown as Response).json(body);
    res.emit('finish');
  });
  return { recorded, sent };
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('AccessDenialMiddleware', () => {
  afterEach(() => jest.restoreAllMocks());

  it("records a member's 403 in their organization and sends the body untouched", async () => {
    const body = { statusCode: 403, message: 'editors may change only the schedules they created' };
    const { recorded, sent } = answer(403, body, member);
    await flush();
    expect(sent).toEqual([body]);
    expect(sent[0]).toBe(body);
    expect(recorded).toEqual([
      {
        actor: { ...member, requestId: 'ours-1' },
        event: {
          action: 'access.denied',
          resourceType: 'route',
          resourceId: null,
          details: {
            status: 403,
            method: 'PATCH',
            route: '/api/scheduled-reports/:id',
            reason: body.message,
            client_request_id: 'client-12345678',
          },
        },
      },
    ]);
  });

  it('only logs a 401, even when a user object is present', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const { recorded } = answer(401, { message: 'Unauthorized' }, member);
    await flush();
    expect(recorded).toEqual([]);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('request ours-1 denied'));
  });

  it('only logs a 403 nobody authenticated for (a public route)', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const { recorded } = answer(403, { message: 'no' });
    await flush();
    expect(recorded).toEqual([]);
    expect(warn).toHaveBeenCalledTimes(1);
  });

  it.each([200, 400, 404, 500])('ignores a %i', async (status) => {
    const { recorded } = answer(status, { message: 'x' }, member);
    await flush();
    expect(recorded).toEqual([]);
  });
});
