import { Injectable } from '@nestjs/common';
import { RateLimitedError } from 'src/common/errors/domain-error';
import { OrganizationsService } from 'src/modules/organizations/organizations.service';
import { Hit, RateCounter } from './rate-counter';

const HOUR = 3600;

/**
 * Manual runs and resends: each member may start `run_now_per_hour` of each per clock hour
 * (the organization's setting, counted per member so one member cannot use up everyone's).
 * The caller refunds the hit when nothing was started (a run already in flight was returned,
 * no delivery needed resending), so a click that changes nothing costs nothing.
 */
@Injectable()
export class RunNowLimiter {
  constructor(
    private readonly counter: RateCounter,
    private readonly organizations: OrganizationsService,
  ) {}

  /** A manual run (run now, or a re-run `as_of` a past slot). */
  consume(orgId: string, userId: string): Promise<Hit | null> {
    return this.take('run-now', 'manual runs', orgId, userId);
  }

  /** A resend of failed deliveries (one, or all of an execution's). */
  consumeResend(orgId: string, userId: string): Promise<Hit | null> {
    return this.take('resend', 'resends', orgId, userId);
  }

  private async take(kind: string, what: string, orgId: string, userId: string) {
    const { run_now_per_hour: limit } = await this.organizations.getOrganization(orgId);
    const hit = await this.counter.hit(`${kind}:${orgId}:${userId}`, HOUR);
    if (hit && hit.count > limit) {
      await hit.refund();
      throw new RateLimitedError(
        `${kind}_per_user_per_hour: each member may start ${limit} ${what} per hour; ` +
          `try again in ${hit.retryAfterSeconds} s`,
        hit.retryAfterSeconds,
      );
    }
    return hit;
  }
}
