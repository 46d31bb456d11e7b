import type { Logger } from '@nestjs/common';

/**
 * One background pass at a time per process (a tick, a reconcile), for loops fired by
 * @Interval / @Cron: a pass still running when the next fires is not overlapped, and a failed
 * pass is logged, not thrown, so the loop lives on. `done` says what a pass achieved, or
 * nothing worth a log line.
 */
export class BackgroundPass<T> {
  private running = false;
  private stopped = false;
  private current: Promise<void> = Promise.resolve();

  constructor(
    private readonly logger: Logger,
    private readonly what: string,
    private readonly done: (result: T) => string | null,
  ) {}

  run(pass: () => Promise<T>): Promise<void> {
    if (this.running || this.stopped) return Promise.resolve();
    this.running = true;
    this.current = this.runOnce(pass);
    return this.current;
  }

  /** No pass starts after this; resolves once the one running (if any) has ended. */
  stop(): Promise<void> {
    this.stopped = true;
    return this.current;
  }

  private async runOnce(pass: () => Promise<T>): Promise<void> {
    try {
      const message = this.done(await pass());
      if (message) this.logger.log(message);
    } catch (error) {
      this.logger.warn(`${this.what} failed: ${(error as Error).message}`);
    } finally {
      this.running = false;
    }
  }
}
