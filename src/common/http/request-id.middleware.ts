import { Injectable, Logger, NestMiddleware } from '@nestjs/common';
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';

const SAFE_ID = /^[A-Za-z0-9._-]{8,128}$/;

/** The ids of the HTTP request being served. */
export interface RequestIds {
  /** Generated here, never taken from the client: what logs, errors and audit entries quote. */
  requestId: string;
  /** The caller's own X-Request-Id when it is sane: kept beside ours, never instead of it. */
  clientRequestId?: string;
}

export type RequestWithIds = Request & { id?: string; clientRequestId?: string };

const current = new AsyncLocalStorage<RequestIds>();

/** The ids of the request this code runs for, or undefined outside a request (workers). */
export function currentRequestIds(): RequestIds | undefined {
  return current.getStore();
}

/**
 * Gives each request our own id (the X-Request-Id answered, `request_id` of errors and audit
 * entries). A client-chosen id could collide with, or impersonate, another request's in the logs
 * and the audit trail, so it is only carried alongside as `clientRequestId`.
 */
@Injectable()
export class RequestIdMiddleware implements NestMiddleware {
  private readonly logger = new Logger('HTTP');

  use(req: RequestWithIds, res: Response, next: NextFunction): void {
    const incoming = req.header('x-request-id');
    const ids: RequestIds = {
      // pino-http may have generated it already (its middleware can run first); never the client.
      requestId: req.id ?? randomUUID(),
      clientRequestId: incoming && SAFE_ID.test(incoming) ? incoming : undefined,
    };
    req.id = ids.requestId;
    req.clientRequestId = ids.clientRequestId;
    res.setHeader('X-Request-Id', ids.requestId);
    if (ids.clientRequestId) {
      this.logger.debug(`request ${ids.requestId} has client id ${ids.clientRequestId}`);
    }
    current.run(ids, next);
  }
}
