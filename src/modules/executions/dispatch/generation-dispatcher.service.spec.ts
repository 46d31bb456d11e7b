import { randomUUID } from 'node:crypto';
import type { ExecutionTrigger } from 'src/domain/vocabulary';
import { OperationCounters } from 'src/modules/metrics/operation-counters';
import type { ExecutionQueue, ExecutionRef } from 'src/queue/execution-queue';
import type { PRIORITY } from 'src/queue/queue.constants';
import type { DispatchRepository, DispatchedExecution } from './dispatch.repository';
import { GenerationDispatcher, rotate } from './generation-dispatcher.service';

interface Run {
  id: string;
  organization_id: string;
  trigger: ExecutionTrigger;
  status: 'pending' | 'running' | 'completed';
  dispatched: boolean;
  seq: number;
}

/** The repository's contract on rows in memory: waiting runs, in-flight runs, a cap per org. */
class FakeDispatchRepository {
  readonly runs: Run[] = [];
  readonly caps = new Map<string, number>();
  private seq = 0;

  add(orgId: string, count = 1, trigger: ExecutionTrigger = 'schedule'): Run[] {
    const added = Array.from({ length: count }, () => ({
      id: randomUUID(),
      organization_id: orgId,
      trigger,
      status: 'pending' as const,
      dispatched: false,
      seq: (this.seq += 1),
    }));
    this.runs.push(...added);
    return added;
  }

  finish(run: Run): void {
    run.status = 'completed';
  }

  inFlight(orgId: string): number {
    return this.runs.filter(
      (r) => r.organization_id === orgId && r.dispatched && r.status !== 'completed',
    ).length;
  }

  async findWaitingOrgs(limit: number): Promise<string[]> {
    const orgs = new Set(this.waiting().map((r) => r.organization_id));
    const free = [...orgs].filter((org) => this.inFlight(org) < (this.caps.get(org) ?? 2));
    return free.sort().slice(0, limit);
  }

  async claimForOrg(orgId: string, limit: number): Promise<DispatchedExecution[]> {
    const free = Math.max(0, (this.caps.get(orgId) ?? 2) - this.inFlight(orgId));
    const claimed = this.waiting()
      .filter((r) => r.organization_id === orgId)
      .slice(0, Math.min(free, limit));
    for (const run of claimed) run.dispatched = true;
    return claimed.map(({ id, organization_id, trigger }) => ({ id, organization_id, trigger }));
  }

  private waiting(): Run[] {
    return this.runs.filter((r) => r.status === 'pending' && !r.dispatched);
  }
}

function setup() {
  const repository = new FakeDispatchRepository();
  const enqueued: { id: string; kind: keyof typeof PRIORITY }[] = [];
  let redisUp = true;
  const queue = {
    enqueue: async (refs: ExecutionRef[], kind: keyof typeof PRIORITY) => {
      if (!redisUp) return refs.length === 0;
      enqueued.push(...refs.map((r) => ({ id: r.id, kind })));
      return true;
    },
  };
  const counters = new OperationCounters();
  const dispatcher = new GenerationDispatcher(
    repository as unknown as DispatchRepository,
    queue as unknown as ExecutionQueue,
    counters,
  );
  return {
    repository,
    dispatcher,
    enqueued,
    counters,
    redisDown: () => (redisUp = false),
  };
}

const ORG_A = '00000000-0000-4000-8000-00000000000a';
const ORG_B = '00000000-0000-4000-8000-00000000000b';

describe('GenerationDispatcher', () => {
  it("queues another organization's single report beside one organization's 500, each within its cap", async () => {
    const { repository, dispatcher, enqueued } = setup();
    const flood = repository.add(ORG_A, 500);
    const [single] = repository.add(ORG_B, 1);

    expect(await dispatcher.dispatch()).toEqual({ dispatched: 3, enqueued: true });

    expect(enqueued.map((e) => e.id)).toEqual([flood[0].id, flood[1].id, single.id]);
    // Nothing more while A's two hold their slots.
    expect(await dispatcher.dispatch()).toEqual({ dispatched: 0, enqueued: true });
  });

  it('fills a slot once a run of the organization finished, oldest waiting run first', async () => {
    const { repository, dispatcher, enqueued } = setup();
    const runs = repository.add(ORG_A, 5);
    await dispatcher.dispatch();

    repository.finish(runs[0]);
    expect((await dispatcher.dispatch()).dispatched).toBe(1);

    expect(enqueued.map((e) => e.id)).toEqual([runs[0].id, runs[1].id, runs[2].id]);
    expect(repository.inFlight(ORG_A)).toBe(2);
  });

  it("follows each organization's max_concurrent_generations", async () => {
    const { repository, dispatcher } = setup();
    repository.caps.set(ORG_A, 5);
    repository.caps.set(ORG_B, 1);
    repository.add(ORG_A, 20);
    repository.add(ORG_B, 20);

    await dispatcher.dispatch();

    expect(repository.inFlight(ORG_A)).toBe(5);
    expect(repository.inFlight(ORG_B)).toBe(1);
  });

  it('keeps what Redis did not take dispatched, for the reconciler, and says so', async () => {
    const { repository, dispatcher, redisDown } = setup();
    repository.add(ORG_A, 3);
    redisDown();

    expect(await dispatcher.dispatch()).toEqual({ dispatched: 2, enqueued: false });
    expect(repository.inFlight(ORG_A)).toBe(2);
  });

  it('queues a waiting manual run at run-now priority and counts dispatches by trigger', async () => {
    const { repository, dispatcher, enqueued, counters } = setup();
    const [manual] = repository.add(ORG_A, 1, 'manual');
    const [scheduled] = repository.add(ORG_A, 1);

    await dispatcher.dispatch();

    expect(enqueued).toEqual(
      expect.arrayContaining([
        { id: manual.id, kind: 'manual' },
        { id: scheduled.id, kind: 'scheduled' },
      ]),
    );
    const text = await counters.registry.metrics();
    expect(text).toContain('scheduled_reports_generations_dispatched_total{trigger="manual"} 1');
    expect(text).toContain('scheduled_reports_generations_dispatched_total{trigger="schedule"} 1');
  });

  it('starts each pass one organization further round', () => {
    expect(rotate(['a', 'b', 'c'], undefined)).toEqual(['a', 'b', 'c']);
    expect(rotate(['a', 'b', 'c'], 'a')).toEqual(['b', 'c', 'a']);
    expect(rotate(['a', 'b', 'c'], 'c')).toEqual(['a', 'b', 'c']);
    // The organization it started after has no waiting runs any more.
    expect(rotate(['a', 'c'], 'b')).toEqual(['c', 'a']);
  });
});
