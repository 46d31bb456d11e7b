import { Injectable, Logger } from '@nestjs/common';
import type { Queue } from 'bull';
import { AppConfigService } from 'src/config/app-config.service';
import { MAX_RETURNS } from './job-attempt';
import { ProducerQueues } from './producer-queues';
import { GENERATE_JOB, GenerateReportJob, GENERATION_BACKOFF, PRIORITY } from './queue.constants';
import { withTimeout } from './with-timeout';

export const ENQUEUE_TIMEOUT_MS = 3000;

export interface ExecutionRef {
  id: string;
  organization_id: string;
}

/**
 * Puts executions on the generation queue. The execution row is the source of truth (an
 * outbox): enqueueing is best effort and fails at once while Redis is away (never replayed
 * later), job id = execution id makes a repeat add a no-op, and the reconciler re-enqueues
 * whatever this could not (Redis down, crash after commit).
 */
@Injectable()
export class ExecutionQueue {
  private readonly logger = new Logger(ExecutionQueue.name);
  private readonly queue: Queue<GenerateReportJob>;

  constructor(
    producers: ProducerQueues,
    private readonly config: AppConfigService,
  ) {
    this.queue = producers.generation;
  }

  /** True when Redis took the jobs; false (logged) when it did not answer in time. */
  async enqueue(executions: ExecutionRef[], kind: keyof typeof PRIORITY): Promise<boolean> {
    if (executions.length === 0) return true;
    const jobs = executions.map((e) => ({
      name: GENERATE_JOB,
      data: { executionId: e.id, orgId: e.organization_id },
      // No Bull timeout: it would start a second attempt while the first still runs. The
      // generation timeout stops the work itself; the lease fences the rest.
      opts: {
        jobId: e.id,
        priority: PRIORITY[kind],
        attempts: this.config.values.queue.attempts + MAX_RETURNS,
        backoff: { type: GENERATION_BACKOFF },
      },
    }));
    try {
      await withTimeout(this.queue.addBulk(jobs), ENQUEUE_TIMEOUT_MS);
      return true;
    } catch (error) {
      this.logger.warn(
        `could not enqueue ${executions.length} execution(s) now (${(error as Error).message}); the reconciler will`,
      );
      return false;
    }
  }

  /** Whether Redis still holds a job for this execution (waiting, active, delayed, or failed). */
  async hasJob(executionId: string): Promise<boolean> {
    const job = await withTimeout(this.queue.getJob(executionId), ENQUEUE_TIMEOUT_MS);
    if (!job) return false;
    const state = await job.getState();
    return state !== 'completed' && state !== 'failed';
  }

  /** Removes a finished or failed job record so the same id can be enqueued again. */
  async forget(executionId: string): Promise<void> {
    const job = await withTimeout(this.queue.getJob(executionId), ENQUEUE_TIMEOUT_MS);
    if (job && (await job.isFailed())) await job.remove();
  }
}
