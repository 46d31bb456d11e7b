import { Injectable, Logger } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { Clock } from 'src/common/clock';
import { DeliveryQueue } from 'src/queue/delivery-queue';
import { DeliveriesRepository } from './deliveries.repository';
import { NoticesRepository } from './notices/notices.repository';

const GRACE_MS = 15_000;
const BATCH = 500;

/**
 * The delivery outbox's other half: pending deliveries and notices whose job Redis no longer
 * holds (crash between commit and enqueue, Redis restarted empty, a job that ran out of
 * attempts while another attempt held the lease) are enqueued again. Job id = row id.
 */
@Injectable()
export class DeliveryReconcilerService {
  private readonly logger = new Logger(DeliveryReconcilerService.name);
  private running = false;

  constructor(
    private readonly deliveries: DeliveriesRepository,
    private readonly notices: NoticesRepository,
    private readonly queue: DeliveryQueue,
    private readonly clock: Clock,
  ) {}

  @Interval('delivery-reconciler', 10_000)
  async onInterval(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      const requeued = await this.reconcile();
      if (requeued > 0) this.logger.log(`re-enqueued ${requeued} delivery job(s)`);
    } catch (error) {
      this.logger.warn(`delivery reconcile skipped: ${(error as Error).message}`);
    } finally {
      this.running = false;
    }
  }

  async reconcile(): Promise<number> {
    const since = new Date(this.clock.now().getTime() - GRACE_MS);
    const deliveries = await this.orphans(await this.deliveries.findStalePending(since, BATCH));
    const notices = await this.orphans(await this.notices.findStalePending(since, BATCH));
    const toRef = (rows: { id: string; organization_id: string }[]) =>
      rows.map((r) => ({ id: r.id, orgId: r.organization_id }));
    const ok =
      (await this.queue.deliver(toRef(deliveries))) && (await this.queue.notify(toRef(notices)));
    return ok ? deliveries.length + notices.length : 0;
  }

  private async orphans<T extends { id: string }>(rows: T[]): Promise<T[]> {
    const orphans: T[] = [];
    for (const row of rows) {
      if (await this.queue.hasJob(row.id)) continue;
      await this.queue.forget(row.id);
      orphans.push(row);
    }
    return orphans;
  }
}
