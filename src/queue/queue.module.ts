import { BullModule } from '@nestjs/bull';
import { Global, Module } from '@nestjs/common';
import { AppConfigService } from 'src/config/app-config.service';
import { DELIVERY_QUEUE, GENERATION_QUEUE } from './queue.constants';
import { ExecutionQueue } from './execution-queue';

/**
 * Bull on Redis. Jobs retry with capped exponential backoff, are removed when finished so
 * Redis stays small (the database keeps the history), and stalled jobs of a dead worker go
 * back to the queue after the lock expires.
 */
@Global()
@Module({
  imports: [
    BullModule.forRootAsync({
      inject: [AppConfigService],
      useFactory: (config: AppConfigService) => {
        const { lockDurationMs, attempts, backoffMs } = config.values.queue;
        return {
          url: config.values.redisUrl,
          settings: {
            lockDuration: lockDurationMs,
            lockRenewTime: Math.floor(lockDurationMs / 2),
            stalledInterval: Math.max(1000, Math.floor(lockDurationMs / 2)),
            maxStalledCount: 3,
          },
          defaultJobOptions: {
            attempts,
            backoff: { type: 'exponential', delay: backoffMs },
            removeOnComplete: true,
            removeOnFail: { age: 7 * 24 * 3600, count: 1000 },
          },
        };
      },
    }),
    BullModule.registerQueue({ name: GENERATION_QUEUE }, { name: DELIVERY_QUEUE }),
  ],
  providers: [ExecutionQueue],
  exports: [BullModule, ExecutionQueue],
})
export class QueueModule {}
