import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { from, Observable, switchMap } from 'rxjs';
import { Actor } from 'src/common/auth/actor';
import { RateLimitedError } from 'src/common/errors/domain-error';
import { AppConfigService } from 'src/config/app-config.service';
import { RateCounter } from './rate-counter';

const MINUTE = 60;

/**
 * Each member's API requests per minute (RATE_LIMIT_PER_MINUTE), counted in Redis across every
 * API process. An interceptor, not a guard, so it runs after authentication and counts the
 * member, not an address many members may share; unauthenticated requests never get this far.
 */
@Injectable()
export class RequestRateInterceptor implements NestInterceptor {
  constructor(
    private readonly counter: RateCounter,
    private readonly config: AppConfigService,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const limit = this.config.values.limits.requestsPerMinute;
    const actor = context.switchToHttp().getRequest<{ user?: Actor }>().user;
    if (limit === 0 || !actor) return next.handle();
    return from(this.counter.hit(`requests:${actor.orgId}:${actor.userId}`, MINUTE)).pipe(
      switchMap((hit) => {
        if (hit && hit.count > limit) {
          throw new RateLimitedError(
            `requests_per_member_per_minute: a member may make ${limit} API requests per minute; ` +
              `try again in ${hit.retryAfterSeconds} s`,
            hit.retryAfterSeconds,
          );
        }
        return next.handle();
      }),
    );
  }
}
