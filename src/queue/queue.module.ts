import { BullModule } from '@nestjs/bull';
import { Global, Module } from '@nestjs/common';
import type { QueueOptions } from 'bull';
import { AppConfigService } from 'src/config/app-config.service';
import { DeliveryQueue } from './delivery-queue';
import {
  DELIVERY_QUEUE,
  GENERATION_BACKOFF,
  GENERATION_QUEUE,
  RETRY_AFTER_BACKOFF,
} from './queue.constants';
import { ExecutionQueue } from './execution-queue';
import { ProducerQueues } from './producer-queues';
import { WorkerDrain } from './worker-drain';

/**
 * Bull on Redis. Jobs retry with capped exponential backoff, are removed when finished so
 * Redis stays small (the database keeps the history), and stalled jobs of a dead worker go
 * back to the queue after the lock expires.
 */
function queueOptions(config: AppConfigService): QueueOptions & { url: string } {
  const { lockDurationMs, attempts, backoffMs } = config.values.queue;
  return {
    url: config.values.redisUrl,
    settings: {
      lockDuration: lockDurationMs,
      lockRenewTime: Math.floor(lockDurationMs / 2),
      stalledInterval: Math.max(1000, Math.floor(lockDurationMs / 2)),
      maxStalledCount: 3,
      backoffStrategies: {
        // A peer's Retry-After (Slack, webhooks answering 429) wins over our own schedule.
        [RETRY_AFTER_BACKOFF]: (attemptsMade: number, error?: Error) =>
          Math.max(
            Math.round((2 ** attemptsMade - 1) * backoffMs),
            (error as { retryAfterMs?: number } | undefined)?.retryAfterMs ?? 0,
          ),
        // Set by the generation processor on every error it rethrows.
        [GENERATION_BACKOFF]: (attemptsMade: number, error?: Error) =>
          (error as { retryAfterMs?: number } | undefined)?.retryAfterMs ??
          Math.round((2 ** attemptsMade - 1) * backoffMs),
      },
    } as QueueOptions['settings'],
    defaultJobOptions: {
      attempts,
      backoff: { type: 'exponential', delay: backoffMs },
      removeOnComplete: true,
      removeOnFail: { age: 7 * 24 * 3600, count: 1000 },
    },
  };
}

@Global()
@Module({
  imports: [
    BullModule.forRootAsync({ inject: [AppConfigService], useFactory: queueOptions }),
    BullModule.registerQueue({ name: GENERATION_QUEUE }, { name: DELIVERY_QUEUE }),
  ],
  providers: [
    {
      provide: ProducerQueues,
      inject: [AppConfigService],
      useFactory: (config: AppConfigService) => new ProducerQueues(queueOptions(config)),
    },
    ExecutionQueue,
    DeliveryQueue,
    WorkerDrain,
  ],
  exports: [BullModule, ExecutionQueue, DeliveryQueue, WorkerDrain],
})
export class QueueModule {}
