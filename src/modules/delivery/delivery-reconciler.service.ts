import { Injectable, Logger } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { BackgroundPass } from 'src/common/background-pass';
import { Clock } from 'src/common/clock';
import { DeliveryQueue } from 'src/queue/delivery-queue';
import { DeliveriesRepository } from './deliveries.repository';
import { NoticesRepository } from './notices/notices.repository';

const GRACE_MS = 15_000;
const BATCH = 500;

/**
 * The delivery outbox's other half: open deliveries (pending, or `unknown` once their lease
 * lapsed) and pending notices whose job Redis no longer holds (crash between commit and enqueue,
 * Redis restarted empty, a job Bull gave up on after its worker died) are enqueued again. Job id
 * = row id. Requeues are bounded where they are counted: a claim that finds an attempt which never
 * ended counts it, and the third such one fails the delivery instead of sending it.
 */
@Injectable()
export class DeliveryReconcilerService {
  private readonly pass = new BackgroundPass<number>(
    new Logger(DeliveryReconcilerService.name),
    'delivery reconcile',
    (requeued) => (requeued > 0 ? `re-enqueued ${requeued} delivery job(s)` : null),
  );

  constructor(
    private readonly deliveries: DeliveriesRepository,
    private readonly notices: NoticesRepository,
    private readonly queue: DeliveryQueue,
    private readonly clock: Clock,
  ) {}

  @Interval('delivery-reconciler', 10_000)
  onInterval(): Promise<void> {
    return this.pass.run(() => this.reconcile());
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
