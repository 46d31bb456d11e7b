import { randomUUID } from 'node:crypto';
import type { ExecutionOutcomes } from 'src/modules/executions/execution-outcomes.service';
import type { ExecutionsRepository } from 'src/modules/executions/executions.repository';
import type { ExecutionQueue, ExecutionRef } from 'src/queue/execution-queue';
import { fakeConfig, ORG } from 'test/fakes/execution.fakes';
import { databaseClockOf, FakeClock } from 'test/utils/fake-clock';
import { ExecutionReconcilerService, MAX_REQUEUES } from './execution-reconciler.service';
import { OperationCounters } from 'src/modules/metrics/operation-counters';

type Candidate = ExecutionRef & { status: 'pending' | 'running'; requeues: number };

function setup() {
  const candidates: Candidate[] = [];
  const jobs = new Set<string>();
  const enqueued: string[] = [];
  const failed: { id: string; message: string }[] = [];
  const unreachable = new Set<string>();
  let redisUp = true;
  const executions = {
    findPossiblyOrphaned: async (_p: Date, _r: Date, limit: number, after?: string) =>
      [...candidates]
        .sort((a, b) => a.id.localeCompare(b.id))
        .filter((c) => after === undefined || c.id > after)
        .slice(0, limit)
        .map(({ id, organization_id, status }) => ({ id, organization_id, status })),
    countRequeue: async (_orgId: string, id: string) => {
      const row = candidates.find((c) => c.id === id)!;
      row.requeues += 1;
      return row.requeues;
    },
  };
  const queue = {
    hasJob: async (id: string) => {
      if (unreachable.has(id)) throw new Error('no answer');
      return jobs.has(id);
    },
    forget: async () => undefined,
    enqueue: async (refs: ExecutionRef[]) => {
      if (!redisUp) return false;
      for (const ref of refs) {
        jobs.add(ref.id);
        enqueued.push(ref.id);
      }
      return true;
    },
  };
  const outcomes = {
    fail: async (execution: ExecutionRef, _lease: string | null, message: string) => {
      failed.push({ id: execution.id, message });
      return true;
    },
  };
  const reconciler = new ExecutionReconcilerService(
    executions as unknown as ExecutionsRepository,
    queue as unknown as ExecutionQueue,
    fakeConfig(),
    databaseClockOf(new FakeClock(new Date('2026-12-07T14:00:00Z'))),
    outcomes as unknown as ExecutionOutcomes,
    new OperationCounters(),
  );
  const add = (status: Candidate['status'], requeues = 0, id = randomUUID()) => {
    const row = { id, organization_id: ORG, status, requeues };
    candidates.push(row);
    return row;
  };
  return {
    reconciler,
    add,
    jobs,
    enqueued,
    failed,
    unreachable,
    setRedisUp: (up: boolean) => (redisUp = up),
  };
}

describe('ExecutionReconcilerService', () => {
  it('enqueues the runs Redis holds no job for, and leaves the others alone', async () => {
    const { reconciler, add, jobs, enqueued } = setup();
    const lost = add('pending');
    const queued = add('pending');
    jobs.add(queued.id);

    expect(await reconciler.reconcile()).toBe(1);
    expect(enqueued).toEqual([lost.id]);
  });

  it('says it re-enqueued nothing while Redis does not take the jobs', async () => {
    const { reconciler, add, setRedisUp } = setup();
    add('pending');
    setRedisUp(false);

    expect(await reconciler.reconcile()).toBe(0);
  });

  it(`requeues a running run whose job died ${MAX_REQUEUES} times, then fails it for good`, async () => {
    const { reconciler, add, jobs, enqueued, failed } = setup();
    const crasher = add('running');
    for (let i = 1; i <= MAX_REQUEUES; i += 1) {
      expect(await reconciler.reconcile()).toBe(1);
      jobs.delete(crasher.id); // its worker dies again
    }
    expect(enqueued).toHaveLength(MAX_REQUEUES);

    expect(await reconciler.reconcile()).toBe(0);
    expect(enqueued).toHaveLength(MAX_REQUEUES);
    expect(failed).toEqual([
      {
        id: crasher.id,
        message: expect.stringContaining(
          `stopped (crashed or was killed) ${MAX_REQUEUES + 1} times`,
        ),
      },
    ]);
  });

  it('never counts requeues of a pending run (its job was lost before any worker took it)', async () => {
    const { reconciler, add, jobs, failed } = setup();
    const waiting = add('pending');
    for (let i = 0; i <= MAX_REQUEUES + 1; i += 1) {
      await reconciler.reconcile();
      jobs.delete(waiting.id);
    }
    expect(failed).toEqual([]);
    expect(waiting.requeues).toBe(0);
  });

  it('walks on past a page of runs whose jobs are alive, so a backlog cannot hide a lost one', async () => {
    const { reconciler, add, jobs, enqueued } = setup();
    for (let i = 0; i < 600; i += 1) jobs.add(add('pending').id);
    // Last in id order, behind a full page of live jobs.
    const lost = add('pending', 0, 'ffffffff-ffff-4fff-bfff-ffffffffffff');

    const found: number[] = [];
    for (let pass = 0; pass < 3 && enqueued.length === 0; pass += 1) {
      found.push(await reconciler.reconcile());
    }
    expect(enqueued).toEqual([lost.id]);
    expect(found.reduce((a, b) => a + b)).toBe(1);
  });

  it('passes over a run whose check fails, and still enqueues the others', async () => {
    const { reconciler, add, enqueued, unreachable } = setup();
    const stuck = add('pending');
    unreachable.add(stuck.id);
    const lost = [add('pending'), add('pending')];

    expect(await reconciler.reconcile()).toBe(2);
    expect(enqueued.sort()).toEqual(lost.map((l) => l.id).sort());

    unreachable.delete(stuck.id);
    expect(await reconciler.reconcile()).toBe(1);
    expect(enqueued).toContain(stuck.id);
  });
});
