import { Injectable, Logger } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { Clock } from 'src/common/clock';
import { AppConfigService } from 'src/config/app-config.service';
import { ExecutionsRepository } from 'src/modules/executions/executions.repository';
import { ExecutionQueue } from 'src/queue/execution-queue';

const PENDING_GRACE_MS = 10_000;
const BATCH = 500;

/**
 * The outbox's other half: finds executions whose job Redis does not hold (the process died
 * between commit and enqueue, Redis was down or restarted empty) and enqueues them again.
 * Job id = execution id, so racing another reconciler adds nothing twice.
 */
@Injectable()
export class ExecutionReconcilerService {
  private readonly logger = new Logger(ExecutionReconcilerService.name);
  private running = false;

  constructor(
    private readonly executions: ExecutionsRepository,
    private readonly queue: ExecutionQueue,
    private readonly config: AppConfigService,
    private readonly clock: Clock,
  ) {}

  @Interval('execution-reconciler', 10_000)
  async onInterval(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      const requeued = await this.reconcile();
      if (requeued > 0)
        this.logger.log(`re-enqueued ${requeued} execution(s) the queue did not hold`);
    } catch (error) {
      this.logger.warn(`reconcile skipped: ${(error as Error).message}`);
    } finally {
      this.running = false;
    }
  }

  async reconcile(): Promise<number> {
    const now = this.clock.now().getTime();
    // A running execution's job keeps its lock alive; past a few lock periods without a job it is orphaned.
    const runningBefore = new Date(now - 3 * this.config.values.queue.lockDurationMs);
    const candidates = await this.executions.findPossiblyOrphaned(
      new Date(now - PENDING_GRACE_MS),
      runningBefore,
      BATCH,
    );
    const orphans = [];
    for (const execution of candidates) {
      if (!(await this.queue.hasJob(execution.id))) orphans.push(execution);
    }
    for (const orphan of orphans) await this.queue.forget(orphan.id);
    if (orphans.length > 0 && !(await this.queue.enqueue(orphans, 'scheduled'))) return 0;
    return orphans.length;
  }
}
