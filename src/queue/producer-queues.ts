import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import Bull, { Queue, QueueOptions } from 'bull';
import { DELIVERY_QUEUE, GENERATION_QUEUE } from './queue.constants';
import { withTimeout } from './with-timeout';

const CONNECT_WAIT_MS = 3000;

/**
 * The queues as seen by whoever adds jobs: separate Bull instances whose one Redis connection
 * never queues a command while Redis is away, nor resends one that was in flight when it went.
 * An add during an outage fails at once; replayed minutes later it would race the reconciler,
 * which is the one path back for rows whose enqueue failed (the database rows are the outbox).
 * Workers consume through @nestjs/bull's own instances, which ride out blips as Bull intends.
 */
@Injectable()
export class ProducerQueues implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(ProducerQueues.name);
  readonly generation: Queue;
  readonly delivery: Queue;

  constructor(options: QueueOptions & { url: string }) {
    const { url, ...rest } = options;
    const producer = (name: string) =>
      new Bull(name, url, {
        ...rest,
        redis: {
          enableOfflineQueue: false,
          autoResendUnfulfilledCommands: false,
          // Back soon after Redis is: Bull's default waits up to 20 s between attempts.
          retryStrategy: (times: number) => Math.min(times * 200, 2000),
        },
      });
    this.generation = producer(GENERATION_QUEUE);
    this.delivery = producer(DELIVERY_QUEUE);
  }

  /** Gives the first connection a moment, so work committed right after boot is enqueued. */
  async onModuleInit(): Promise<void> {
    await Promise.all(
      [this.generation, this.delivery].map((queue) =>
        withTimeout(connected(queue), CONNECT_WAIT_MS).catch(() =>
          this.logger.warn(`Redis not reachable yet for ${queue.name}; the reconcilers catch up`),
        ),
      ),
    );
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([this.generation.close(), this.delivery.close()]);
  }
}

function connected(queue: Queue): Promise<void> {
  const client = queue.client;
  if (client.status === 'ready') return Promise.resolve();
  return new Promise((resolve) => client.once('ready', () => resolve()));
}
