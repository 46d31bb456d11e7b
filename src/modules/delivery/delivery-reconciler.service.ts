import { Injectable, Logger } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { BackgroundPass } from 'src/common/background-pass';
import { DatabaseClock } from 'src/database/database-now';
import { DeliveryQueue } from 'src/queue/delivery-queue';
import { nextCursor, scanForOrphans } from 'src/queue/orphan-scan';
import { DeliveriesRepository } from './deliveries.repository';
import { NoticesRepository } from './notices/notices.repository';
import { OperationCounters } from 'src/modules/metrics/operation-counters';

const GRACE_MS = 15_000;
const BATCH = 500;
/** Both scans of a pass end before the next pass is due; the next continues where they stopped. */
const PASS_BUDGET_MS = 8000;

type Row = { id: string; organization_id: string };

/**
 * The delivery outbox's other half: open deliveries (pending, or `unknown` once their lease
 * lapsed) and pending notices whose job Redis no longer holds (crash between commit and enqueue,
 * Redis restarted empty, a job Bull gave up on after its worker died) are enqueued again. Job id
 * = row id. Each pass looks at one page of each within a time budget and the next continues
 * after it, so a slow Redis, one row whose check fails or a backlog of live jobs slows the walk
 * but never stalls it. Requeues are bounded where they are counted: a claim that finds an
 * attempt which never ended counts it, and the third such one fails the delivery instead of
 * sending it.
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
    private readonly clock: DatabaseClock,
    private readonly counters: OperationCounters,
  ) {}

  /** The last delivery and notice ids a pass looked at; the next pass starts after them. */
  private readonly cursors: { deliveries?: string; notices?: string } = {};

  @Interval('delivery-reconciler', 10_000)
  onInterval(): Promise<void> {
    return this.pass.run(() => this.reconcile());
  }

  async reconcile(): Promise<number> {
    const deadline = performance.now() + PASS_BUDGET_MS;
    const since = new Date((await this.clock.now()).getTime() - GRACE_MS);
    const deliveries = await this.walk(
      'deliveries',
      (after) => this.deliveries.findStalePending(since, BATCH, after),
      (rows) => this.queue.deliver(rows),
      deadline,
    );
    const notices = await this.walk(
      'notices',
      (after) => this.notices.findStalePending(since, BATCH, after),
      (rows) => this.queue.notify(rows),
      deadline,
    );
    return deliveries + notices;
  }

  /** One page of one kind of row: the orphans among it enqueued, the cursor moved on. */
  private async walk(
    kind: 'deliveries' | 'notices',
    page: (after?: string) => Promise<Row[]>,
    enqueue: (rows: { id: string; orgId: string }[]) => Promise<boolean>,
    deadline: number,
  ): Promise<number> {
    const rows = await page(this.cursors[kind]);
    const scan = await scanForOrphans(rows, (row) => this.isOrphan(row.id), deadline);
    const refs = scan.orphans.map((r) => ({ id: r.id, orgId: r.organization_id }));
    // Not taken: the cursor stays, so the next pass looks at these rows again.
    if (refs.length > 0 && !(await enqueue(refs))) return 0;
    this.counters.countReconciled(kind, 'requeued', refs.length);
    this.cursors[kind] = nextCursor(this.cursors[kind], rows, scan.scanned, BATCH);
    return refs.length;
  }

  private async isOrphan(id: string): Promise<boolean> {
    if (await this.queue.hasJob(id)) return false;
    await this.queue.forget(id);
    return true;
  }
}
