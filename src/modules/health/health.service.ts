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
  checks: { database: DependencyHealth; redis: DependencyHealth } & Record<
    string,
    DependencyHealth
  >;
}

const CHECK_TIMEOUT_MS = 2000;

/**
 * Readiness: the two dependencies every role needs, plus whatever the process's role adds (a
 * worker's PDF browser), registered by the module that owns it.
 */
@Injectable()
export class HealthService {
  private readonly extra = new Map<string, () => Promise<unknown>>();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
  ) {}

  /** Adds a dependency to the report; the process is ready only while it answers. */
  register(name: string, check: () => Promise<unknown>): void {
    this.extra.set(name, check);
  }

  async check(): Promise<HealthReport> {
    const [database, redis, ...others] = await Promise.all([
      probe(() => this.dataSource.query('SELECT 1')),
      probe(async () => {
        if (this.redis.status === 'wait' || this.redis.status === 'end') await this.redis.connect();
        await this.redis.ping();
      }),
      ...[...this.extra.values()].map((check) => probe(check)),
    ]);
    const checks = {
      database,
      redis,
      ...Object.fromEntries([...this.extra.keys()].map((name, i) => [name, others[i]])),
    };
    const healthy = Object.values(checks).every((c) => c.status === 'up');
    return { status: healthy ? 'ok' : 'error', checks };
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
