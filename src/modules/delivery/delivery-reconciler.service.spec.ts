import { randomUUID } from 'node:crypto';
import type { DeliveryQueue } from 'src/queue/delivery-queue';
import { databaseClockOf, FakeClock } from 'test/utils/fake-clock';
import type { DeliveriesRepository } from './deliveries.repository';
import { DeliveryReconcilerService } from './delivery-reconciler.service';
import type { NoticesRepository } from './notices/notices.repository';
import { OperationCounters } from 'src/modules/metrics/operation-counters';

type Row = { id: string; organization_id: string };

function setup() {
  const deliveries: Row[] = [];
  const notices: Row[] = [];
  const jobs = new Set<string>();
  const unreachable = new Set<string>();
  const enqueued: string[] = [];
  const page = (table: Row[]) => async (_since: Date, limit: number, after?: string) =>
    [...table]
      .sort((a, b) => a.id.localeCompare(b.id))
      .filter((r) => after === undefined || r.id > after)
      .slice(0, limit);
  const take = async (refs: { id: string }[]) => {
    for (const ref of refs) {
      jobs.add(ref.id);
      enqueued.push(ref.id);
    }
    return true;
  };
  const queue = {
    hasJob: async (id: string) => {
      if (unreachable.has(id)) throw new Error('no answer');
      return jobs.has(id);
    },
    forget: async () => undefined,
    deliver: take,
    notify: take,
  };
  const reconciler = new DeliveryReconcilerService(
    { findStalePending: page(deliveries) } as unknown as DeliveriesRepository,
    { findStalePending: page(notices) } as unknown as NoticesRepository,
    queue as unknown as DeliveryQueue,
    databaseClockOf(new FakeClock(new Date('2026-12-07T14:00:00Z'))),
    new OperationCounters(),
  );
  const row = (id = randomUUID()) => ({ id, organization_id: 'org' });
  return { reconciler, deliveries, notices, jobs, unreachable, enqueued, row };
}

describe('DeliveryReconcilerService', () => {
  it('walks on past a page of deliveries whose jobs are alive, to the one that was lost', async () => {
    const { reconciler, deliveries, jobs, enqueued, row } = setup();
    for (let i = 0; i < 600; i += 1) {
      const live = row();
      deliveries.push(live);
      jobs.add(live.id);
    }
    const lost = row('ffffffff-ffff-4fff-bfff-ffffffffffff');
    deliveries.push(lost);

    for (let pass = 0; pass < 3 && enqueued.length === 0; pass += 1) await reconciler.reconcile();
    expect(enqueued).toEqual([lost.id]);
  });

  it('passes over a delivery whose check fails; the others, and the notices, still go', async () => {
    const { reconciler, deliveries, notices, unreachable, enqueued, row } = setup();
    const stuck = row();
    unreachable.add(stuck.id);
    const lost = row();
    const notice = row();
    deliveries.push(stuck, lost);
    notices.push(notice);

    expect(await reconciler.reconcile()).toBe(2);
    expect(enqueued.sort()).toEqual([lost.id, notice.id].sort());
  });
});
