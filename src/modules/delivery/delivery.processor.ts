import { withLogContext } from 'src/common/logging/log-context';
import { InjectQueue } from '@nestjs/bull';
import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import type { Job, Queue } from 'bull';
import { isUUID } from 'class-validator';
import { AppConfigService } from 'src/config/app-config.service';
import { attemptOf } from 'src/queue/job-attempt';
import {
  DELIVER_JOB,
  DeliverReportJob,
  DELIVERY_QUEUE,
  NOTICE_JOB,
  SendNoticeJob,
} from 'src/queue/queue.constants';
import { WorkerDrain } from 'src/queue/worker-drain';
import { FailureNoticesService } from './notices/failure-notices.service';
import { ReportDeliveryService } from './report-delivery.service';

/**
 * Thin processor for the delivery queue (deliveries and failure notices): validate the payload,
 * call the service, return.
 * Registered at boot with the configured concurrency, in worker processes only.
 */
@Injectable()
export class DeliveryProcessor implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(DeliveryProcessor.name);

  constructor(
    @InjectQueue(DELIVERY_QUEUE) private readonly queue: Queue<DeliverReportJob | SendNoticeJob>,
    private readonly deliveries: ReportDeliveryService,
    private readonly notices: FailureNoticesService,
    private readonly config: AppConfigService,
    private readonly drain: WorkerDrain,
  ) {}

  onApplicationBootstrap(): void {
    const concurrency = this.config.values.delivery.concurrency;
    void this.queue.process(DELIVER_JOB, concurrency, (job) =>
      this.drain.track<unknown>(() => this.deliver(job as Job<DeliverReportJob>)),
    );
    void this.queue.process(NOTICE_JOB, 1, (job) =>
      this.drain.track<unknown>(() => this.notify(job as Job<SendNoticeJob>)),
    );
  }

  /** SIGTERM: sends in flight finish before the mail transport closes (see WorkerDrain). */
  onModuleDestroy(): Promise<void> {
    return this.drain.drain();
  }

  deliver(job: Job<DeliverReportJob>) {
    const { deliveryId, orgId } = job.data ?? {};
    if (!isUUID(deliveryId) || !isUUID(orgId)) return this.malformed(job);
    return withLogContext({ org_id: orgId, delivery_id: deliveryId }, () =>
      this.deliveries.deliver({ deliveryId, orgId }, attemptOf(job)),
    );
  }

  notify(job: Job<SendNoticeJob>) {
    const { noticeId, orgId } = job.data ?? {};
    if (!isUUID(noticeId) || !isUUID(orgId)) return this.malformed(job);
    return withLogContext({ org_id: orgId, notice_id: noticeId }, () =>
      this.notices.send({ noticeId, orgId }, attemptOf(job)),
    );
  }

  private malformed(job: Job) {
    this.logger.error(`job ${job.id} has a malformed payload; dropped`);
    return { result: 'skipped', reason: 'malformed payload' };
  }
}
