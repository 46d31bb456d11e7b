import { Inject, Injectable, Logger } from '@nestjs/common';
import Redis from 'ioredis';
import { Clock } from 'src/common/clock';
import { RateLimitedError } from 'src/common/errors/domain-error';
import { REDIS_CLIENT } from 'src/common/redis/redis.module';
import { OrganizationsService } from 'src/modules/organizations/organizations.service';

const WINDOW_SECONDS = 3600;

/**
 * The organization's `run_now_per_hour`, as a fixed hourly window counted in Redis.
 * When Redis is down the request is allowed (logged): run-now must keep working through a
 * Redis outage, and the queue backlog it can cause is bounded by the in-flight rule.
 */
@Injectable()
export class RunNowLimiter {
  private readonly logger = new Logger(RunNowLimiter.name);

  constructor(
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
    private readonly organizations: OrganizationsService,
    private readonly clock: Clock,
  ) {}

  async consume(orgId: string, scheduleId: string): Promise<void> {
    const org = await this.organizations.getOrganization(orgId);
    const nowSeconds = Math.floor(this.clock.now().getTime() / 1000);
    const window = Math.floor(nowSeconds / WINDOW_SECONDS);
    const key = `rate:run-now:${orgId}:${window}`;
    let count: number;
    try {
      if (this.redis.status === 'wait') await this.redis.connect();
      const [[, incremented]] = (await this.redis
        .multi()
        .incr(key)
        .expire(key, WINDOW_SECONDS)
        .exec()) as [[Error | null, number]];
      count = incremented;
    } catch (error) {
      this.logger.warn(`run-now limit not checked for ${scheduleId}: ${(error as Error).message}`);
      return;
    }
    if (count > org.run_now_per_hour) {
      const retryAfter = (window + 1) * WINDOW_SECONDS - nowSeconds;
      throw new RateLimitedError(
        `the organization may start ${org.run_now_per_hour} manual runs per hour; try again in ${retryAfter} s`,
        retryAfter,
      );
    }
  }
}
