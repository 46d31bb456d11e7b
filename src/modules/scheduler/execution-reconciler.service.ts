import { Injectable, Logger } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { BackgroundPass } from 'src/common/background-pass';
import { DatabaseClock } from 'src/database/database-now';
import { AppConfigService } from 'src/config/app-config.service';
import { ExecutionOutcomes } from 'src/modules/executions/execution-outcomes.service';
import { ExecutionsRepository } from 'src/modules/executions/executions.repository';
import { OperationCounters } from 'src/modules/metrics/operation-counters';
import { ExecutionQueue } from 'src/queue/execution-queue';
import { nextCursor, scanForOrphans } from 'src/queue/orphan-scan';

const PENDING_GRACE_MS = 10_000;
const BATCH = 500;
/** A pass stops looking before the next one is due; the next continues where it stopped. */
const PASS_BUDGET_MS = 8000;
/** A run whose job died this many times while running (it kills its worker) is given up. */
export const MAX_REQUEUES = 3;

/**
 * The outbox's other half: finds executions whose job Redis does not hold (the process died
 * between commit and enqueue, Redis was down or restarted empty) and enqueues them again.
 * Job id = execution id, so racing another reconciler adds nothing twice. Each pass looks at one
 * page of candidates, within a time budget, and the next pass continues after it: a slow Redis,
 * one row whose check fails or a backlog of rows with live jobs slows the walk but never stalls it.
 */
@Injectable()
export class ExecutionReconcilerService {
  private readonly logger = new Logger(ExecutionReconcilerService.name);
  private readonly pass = new BackgroundPass<number>(
    this.logger,
    'execution reconcile',
    (requeued) =>
      requeued > 0 ? `re-enqueued ${requeued} execution(s) the queue did not hold` : null,
  );

  constructor(
    private readonly executions: ExecutionsRepository,
    private readonly queue: ExecutionQueue,
    private readonly config: AppConfigService,
    private readonly clock: DatabaseClock,
    private readonly outcomes: ExecutionOutcomes,
    private readonly counters: OperationCounters,
  ) {}

  /** The last execution id a pass looked at; the next pass starts after it. */
  private cursor: string | undefined;

  @Interval('execution-reconciler', 10_000)
  onInterval(): Promise<void> {
    return this.pass.run(() => this.reconcile());
  }

  async reconcile(): Promise<number> {
    const deadline = performance.now() + PASS_BUDGET_MS;
    const now = (await this.clock.now()).getTime();
    // A running execution's job keeps its lock alive; past a few lock periods without a job it is orphaned.
    const runningBefore = new Date(now - 3 * this.config.values.queue.lockDurationMs);
    const candidates = await this.executions.findPossiblyOrphaned(
      new Date(now - PENDING_GRACE_MS),
      runningBefore,
      BATCH,
      this.cursor,
    );
    const scan = await scanForOrphans(
      candidates,
      async (execution) => !(await this.queue.hasJob(execution.id)),
      deadline,
    );
    const requeue = [];
    for (const orphan of scan.orphans) {
      try {
        if (orphan.status === 'running' && (await this.givenUp(orphan))) continue;
        await this.queue.forget(orphan.id);
        requeue.push(orphan);
      } catch (error) {
        this.logger.warn(`execution ${orphan.id}: not re-enqueued (${(error as Error).message})`);
      }
    }
    // Not taken: the cursor stays, so the next pass looks at these rows again.
    if (requeue.length > 0 && !(await this.queue.enqueue(requeue, 'scheduled'))) return 0;
    this.counters.countReconciled('executions', 'requeued', requeue.length);
    this.cursor = nextCursor(this.cursor, candidates, scan.scanned, BATCH);
    return requeue.length;
  }

  /**
   * A running run without a job lost it (its worker died and Bull gave up on the stalled job).
   * Requeued a few times at most: a report that crashes every worker it meets must not loop.
   */
  private async givenUp(execution: { id: string; organization_id: string }): Promise<boolean> {
    const orgId = execution.organization_id;
    const requeues = await this.executions.countRequeue(orgId, execution.id);
    if (requeues <= MAX_REQUEUES) return false;
    const message = `gave up: the job's worker stopped (crashed or was killed) ${requeues} times while generating this report`;
    // The execution.failed event tells the creator (failure notices subscribe to it).
    if (await this.outcomes.fail(execution, null, message)) {
      this.counters.countReconciled('executions', 'given_up');
      this.logger.warn(`execution ${execution.id}: ${message}`);
    }
    return true;
  }
}
