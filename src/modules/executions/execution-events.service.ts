import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import Redis from 'ioredis';
import { Observable, Subject } from 'rxjs';
import { REDIS_CLIENT } from 'src/common/redis/redis.module';

/** A status change of an execution, as published to every API process. */
export interface ExecutionEvent {
  execution_id: string;
  status: string;
  at: string;
  error_message?: string | null;
  file_size?: number | null;
  rows_generated?: number;
}

const CHANNEL_PREFIX = 'execution-events:';

/**
 * Redis pub/sub between workers (publishers) and API processes (SSE subscribers), so a
 * client watching an execution sees changes made by a worker in another process.
 * Publishing is best effort: the SSE stream also re-reads the row periodically.
 */
@Injectable()
export class ExecutionEventsService implements OnModuleDestroy {
  private readonly logger = new Logger(ExecutionEventsService.name);
  private subscriber: Redis | null = null;
  private readonly listeners = new Map<string, Set<Subject<ExecutionEvent>>>();

  constructor(@Inject(REDIS_CLIENT) private readonly redis: Redis) {}

  async publish(event: ExecutionEvent): Promise<void> {
    try {
      if (this.redis.status === 'wait') await this.redis.connect();
      await this.redis.publish(CHANNEL_PREFIX + event.execution_id, JSON.stringify(event));
    } catch (error) {
      this.logger.debug(
        `event for ${event.execution_id} not published: ${(error as Error).message}`,
      );
    }
  }

  /** Events of one execution until the subscriber unsubscribes. */
  watch(executionId: string): Observable<ExecutionEvent> {
    return new Observable<ExecutionEvent>((observer) => {
      const subject = new Subject<ExecutionEvent>();
      const subscription = subject.subscribe(observer);
      const set = this.listeners.get(executionId) ?? new Set();
      const first = set.size === 0;
      set.add(subject);
      this.listeners.set(executionId, set);
      if (first) void this.channel(executionId, 'subscribe');
      return () => {
        subscription.unsubscribe();
        set.delete(subject);
        if (set.size === 0) {
          this.listeners.delete(executionId);
          void this.channel(executionId, 'unsubscribe');
        }
      };
    });
  }

  async onModuleDestroy(): Promise<void> {
    this.subscriber?.disconnect();
  }

  private async channel(executionId: string, action: 'subscribe' | 'unsubscribe'): Promise<void> {
    try {
      const subscriber = this.ensureSubscriber();
      await subscriber[action](CHANNEL_PREFIX + executionId);
    } catch (error) {
      this.logger.debug(`${action} ${executionId} failed: ${(error as Error).message}`);
    }
  }

  private ensureSubscriber(): Redis {
    if (this.subscriber) return this.subscriber;
    const subscriber = this.redis.duplicate({
      enableOfflineQueue: true,
      maxRetriesPerRequest: null,
      lazyConnect: false,
    });
    subscriber.on('error', () => undefined); // reconnects by itself; the SSE poll covers the gap
    subscriber.on('message', (channel: string, message: string) => {
      const id = channel.slice(CHANNEL_PREFIX.length);
      let event: ExecutionEvent;
      try {
        event = JSON.parse(message) as ExecutionEvent;
      } catch {
        return;
      }
      for (const subject of this.listeners.get(id) ?? []) subject.next(event);
    });
    this.subscriber = subscriber;
    return subscriber;
  }
}
