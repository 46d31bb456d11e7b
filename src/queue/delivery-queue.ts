import { Injectable, Logger } from '@nestjs/common';
import type { Queue } from 'bull';
import { ENQUEUE_TIMEOUT_MS } from './execution-queue';
import { ProducerQueues } from './producer-queues';
import {
  DELIVER_JOB,
  DeliverReportJob,
  NOTICE_JOB,
  RETRY_AFTER_BACKOFF,
  SendNoticeJob,
} from './queue.constants';
import { withTimeout } from './with-timeout';

/**
 * Puts deliveries and failure notices on the delivery queue (failing at once while Redis is
 * away, never replayed later). As with generation, the database row is the outbox: job id = row id makes a repeat add a no-op, and the delivery reconciler
 * enqueues whatever this could not.
 */
@Injectable()
export class DeliveryQueue {
  private readonly logger = new Logger(DeliveryQueue.name);
  private readonly queue: Queue<DeliverReportJob | SendNoticeJob>;

  constructor(producers: ProducerQueues) {
    this.queue = producers.delivery;
  }

  deliver(deliveries: { id: string; orgId: string }[]): Promise<boolean> {
    return this.add(
      deliveries.map((d) => ({
        name: DELIVER_JOB,
        data: { deliveryId: d.id, orgId: d.orgId },
        opts: { jobId: d.id },
      })),
    );
  }

  notify(notices: { id: string; orgId: string }[]): Promise<boolean> {
    return this.add(
      notices.map((n) => ({
        name: NOTICE_JOB,
        data: { noticeId: n.id, orgId: n.orgId },
        opts: { jobId: n.id },
      })),
    );
  }

  /** Whether Redis still holds a live job (waiting, active, delayed) for this row. */
  async hasJob(id: string): Promise<boolean> {
    const job = await withTimeout(this.queue.getJob(id), ENQUEUE_TIMEOUT_MS);
    if (!job) return false;
    const state = await job.getState();
    return state !== 'completed' && state !== 'failed';
  }

  /** Drops a finished job record so the same id can run again (a resend, a reconciled row). */
  async forget(id: string): Promise<void> {
    const job = await withTimeout(this.queue.getJob(id), ENQUEUE_TIMEOUT_MS);
    if (job && ((await job.isFailed()) || (await job.isCompleted()))) await job.remove();
  }

  private async add(
    jobs: { name: string; data: DeliverReportJob | SendNoticeJob; opts: { jobId: string } }[],
  ): Promise<boolean> {
    if (jobs.length === 0) return true;
    const backoff = { type: RETRY_AFTER_BACKOFF };
    try {
      await withTimeout(
        this.queue.addBulk(jobs.map((j) => ({ ...j, opts: { ...j.opts, backoff } }))),
        ENQUEUE_TIMEOUT_MS,
      );
      return true;
    } catch (error) {
      this.logger.warn(
        `could not enqueue ${jobs.length} delivery job(s) now (${(error as Error).message}); the reconciler will`,
      );
      return false;
    }
  }
}
