import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import Redis from 'ioredis';
import { DataSource } from 'typeorm';
import { REDIS_CLIENT } from 'src/common/redis/redis.module';

export interface DependencyHealth {
  status: 'up' | 'down';
  latency_ms: number;
  error?: string;
}

export interface HealthReport {
  status: 'ok' | 'error';
  checks: { database: DependencyHealth; redis: DependencyHealth };
}

const CHECK_TIMEOUT_MS = 2000;

/** Liveness plus the two dependencies every role needs. */
@Injectable()
export class HealthService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
  ) {}

  async check(): Promise<HealthReport> {
    const [database, redis] = await Promise.all([
      probe(() => this.dataSource.query('SELECT 1')),
      probe(async () => {
        if (this.redis.status === 'wait' || this.redis.status === 'end') await this.redis.connect();
        await this.redis.ping();
      }),
    ]);
    const healthy = database.status === 'up' && redis.status === 'up';
    return { status: healthy ? 'ok' : 'error', checks: { database, redis } };
  }
}

async function probe(check: () => Promise<unknown>): Promise<DependencyHealth> {
  const started = performance.now();
  try {
    await Promise.race([
      check(),
      new Promise((_, reject) =>
        setTimeout(
          () => reject(new Error(`no answer in ${CHECK_TIMEOUT_MS} ms`)),
          CHECK_TIMEOUT_MS,
        ).unref(),
      ),
    ]);
    return { status: 'up', latency_ms: Math.round(performance.now() - started) };
  } catch (error) {
    return {
      status: 'down',
      latency_ms: Math.round(performance.now() - started),
      error: (error as Error).message,
    };
  }
}
