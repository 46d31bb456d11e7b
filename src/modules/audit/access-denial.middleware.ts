import { Injectable, Logger, NestMiddleware } from '@nestjs/common';
import type { NextFunction, Response } from 'express';
import { Actor } from 'src/common/auth/actor';
import type { RequestWithIds } from 'src/common/http/request-id.middleware';
import { AuditService } from './audit.service';

type DenialRequest = RequestWithIds & { user?: Actor };

const DENIED = new Set([401, 403]);
const MAX_REASON = 300;

/**
 * Records every 401 and 403 the API answers, whichever layer refused (the JWT guard, the role
 * guard, a service's ForbiddenError): it watches the answer, not the exception, so it needs no
 * place in the single global exception filter and never changes a body.
 *
 * A 403 comes from an authenticated member, so it is `access.denied` in that member's
 * organization. A 401 has no verified organization: writing it into the org a token merely
 * claims would let anyone fill any organization's trail, so it is logged only.
 */
@Injectable()
export class AccessDenialMiddleware implements NestMiddleware {
  private readonly logger = new Logger('AccessDenied');

  constructor(private readonly audit: AuditService) {}

  use(req: DenialRequest, res: Response, next: NextFunction): void {
    let answered: unknown;
    const json = res.json.bind(res);
    res.json = (body?: unknown) => {
      if (DENIED.has(res.statusCode)) answered = body;
      return json(body);
    };
    res.on('finish', () => {
      if (DENIED.has(res.statusCode)) void this.recordDenial(req, res.statusCode, answered);
    });
    next();
  }

  private async recordDenial(req: DenialRequest, status: number, body: unknown): Promise<void> {
    const details = {
      status,
      method: req.method,
      // The route's pattern when one matched: ids in paths stay out of the trail's free text.
      route: req.route?.path ?? req.originalUrl.split('?')[0],
      reason: reasonOf(body),
      ...(req.clientRequestId ? { client_request_id: req.clientRequestId } : {}),
    };
    const actor = status === 403 ? req.user : undefined;
    if (!actor?.orgId) {
      this.logger.warn(`request ${req.id ?? '-'} denied: ${JSON.stringify(details)}`);
      return;
    }
    try {
      await this.audit.record(
        { ...actor, requestId: req.id ?? actor.requestId },
        { action: 'access.denied', resourceType: 'route', resourceId: null, details },
      );
    } catch (error) {
      // The answer is already sent; a lost entry is reported, never thrown into the void.
      this.logger.error(
        `request ${req.id ?? '-'}: recording access.denied failed: ${(error as Error).message}`,
      );
    }
  }
}

function reasonOf(body: unknown): string {
  const message =
    body && typeof body === 'object' && 'message' in body
      ? (body as { message: unknown }).message
      : undefined;
  const text = Array.isArray(message) ? message.join('; ') : String(message ?? '');
  return text.slice(0, MAX_REASON);
}
