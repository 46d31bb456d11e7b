import { InjectQueue } from '@nestjs/bull';
import { Injectable, Logger } from '@nestjs/common';
import type { Queue } from 'bull';
import { AppConfigService } from 'src/config/app-config.service';
import { DELIVERY_QUEUE, GENERATION_QUEUE } from './queue.constants';

/** After the grace period, how long handed-back jobs get to record that before the exit. */
const HAND_BACK_MS = 10_000;

/**
 * A worker's orderly stop (SIGTERM): it takes no new jobs from either queue, lets the jobs it
 * runs finish within SHUTDOWN_GRACE_MS, then fires `handBack` so the unfinished ones give their
 * run back (for another worker to start at once, no attempt used), and waits for that.
 * Processors run every job through `track`, and call `drain` first thing in onModuleDestroy,
 * before the browser pool or the mail transport close under a job still using them.
 */
@Injectable()
export class WorkerDrain {
  private readonly logger = new Logger(WorkerDrain.name);
  private readonly active = new Set<Promise<unknown>>();
  private readonly handBackController = new AbortController();
  private draining: Promise<void> | null = null;

  constructor(
    @InjectQueue(GENERATION_QUEUE) private readonly generation: Queue,
    @InjectQueue(DELIVERY_QUEUE) private readonly delivery: Queue,
    private readonly config: AppConfigService,
  ) {}

  /** Fires when the grace period is over: unfinished work should give its run back. */
  get handBack(): AbortSignal {
    return this.handBackController.signal;
  }

  get stopping(): boolean {
    return this.draining !== null;
  }

  track<T>(work: () => T | Promise<T>): Promise<T> {
    const running = Promise.resolve().then(work);
    const settled = running.then(
      () => undefined,
      () => undefined,
    );
    this.active.add(settled);
    void settled.then(() => this.active.delete(settled));
    return running;
  }

  /** Idempotent: every caller waits for the same drain. */
  drain(): Promise<void> {
    this.draining ??= this.run();
    return this.draining;
  }

  private async run(): Promise<void> {
    const graceMs = this.config.values.queue.shutdownGraceMs;
    // Local pause: this process stops fetching; other workers go on.
    await Promise.all(
      [this.generation, this.delivery].map((queue) =>
        queue.pause(true, true).catch(() => undefined),
      ),
    );
    if (this.active.size === 0) return;
    this.logger.log(`stopping: ${this.active.size} job(s) in flight get ${graceMs} ms to finish`);
    if (await this.settledWithin(graceMs)) return;
    this.logger.warn(`${this.active.size} job(s) still running after ${graceMs} ms: handing back`);
    this.handBackController.abort(new Error('shutting down'));
    await this.settledWithin(HAND_BACK_MS);
  }

  private async settledWithin(ms: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), ms);
    });
    try {
      // Jobs ending early may be followed by none: wait for the set to be empty.
      for (;;) {
        if (this.active.size === 0) return true;
        const next = await Promise.race([Promise.all([...this.active]).then(() => true), expired]);
        if (!next) return false;
      }
    } finally {
      clearTimeout(timer);
    }
  }
}
