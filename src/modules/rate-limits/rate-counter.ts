import { Inject, Injectable, Logger } from '@nestjs/common';
import Redis from 'ioredis';
import { Clock } from 'src/common/clock';
import { REDIS_CLIENT } from 'src/common/redis/redis.module';

/** One counted hit: how many in its window so far, and how to take it back. */
export interface Hit {
  count: number;
  /** Seconds until the window ends (a Retry-After). */
  retryAfterSeconds: number;
  /** Un-counts this hit (the action it paid for did not happen). */
  refund(): Promise<void>;
}

/**
 * Fixed-window counters in Redis, shared by every API and worker process. When Redis does not
 * answer, `hit` gives null and the caller lets the action through (logged): limits protect the
 * service, they must not take it down with Redis.
 */
@Injectable()
export class RateCounter {
  private readonly logger = new Logger(RateCounter.name);

  constructor(
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
    private readonly clock: Clock,
  ) {}

  async hit(name: string, windowSeconds: number): Promise<Hit | null> {
    const now = Math.floor(this.clock.now().getTime() / 1000);
    const window = Math.floor(now / windowSeconds);
    const key = `rate:${name}:${window}`;
    try {
      if (this.redis.status === 'wait') await this.redis.connect();
      const [[, count]] = (await this.redis
        .multi()
        .incr(key)
        .expire(key, windowSeconds)
        .exec()) as [[Error | null, number]];
      return {
        count,
        retryAfterSeconds: (window + 1) * windowSeconds - now,
        refund: async () => {
          await this.redis.decr(key).catch(() => undefined);
        },
      };
    } catch (error) {
      this.logger.warn(`limit ${name} not checked: ${(error as Error).message}`);
      return null;
    }
  }

  /**
   * Adds `member` to a set counted per window and gives the set's size: counting the same
   * member twice (a retried delivery) counts once. Null when Redis does not answer.
   */
  async countOnce(name: string, member: string, windowSeconds: number): Promise<number | null> {
    const window = Math.floor(this.clock.now().getTime() / 1000 / windowSeconds);
    const key = `rate:${name}:${window}`;
    try {
      if (this.redis.status === 'wait') await this.redis.connect();
      const [, , [, size]] = (await this.redis
        .multi()
        .sadd(key, member)
        .expire(key, windowSeconds * 2)
        .scard(key)
        .exec()) as [[Error | null, number], [Error | null, number], [Error | null, number]];
      return size;
    } catch (error) {
      this.logger.warn(`limit ${name} not checked: ${(error as Error).message}`);
      return null;
    }
  }
}
