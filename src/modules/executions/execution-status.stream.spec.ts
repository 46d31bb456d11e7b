import { MessageEvent } from '@nestjs/common';
import { Subject } from 'rxjs';
import type { Actor } from 'src/common/auth/actor';
import { FakeExecutionStore, ORG } from 'test/fakes/execution.fakes';
import type { ExecutionEvent, ExecutionEventsService } from './execution-events.service';
import { MemberStreams } from 'src/common/streams/member-streams';
import { ExecutionStatusStream } from './execution-status.stream';
import type { ExecutionsRepository } from './executions.repository';

const actor = (overrides: Partial<Actor> = {}): Actor => ({
  userId: 'u-1',
  orgId: ORG,
  roles: ['viewer'],
  permissions: [],
  ...overrides,
});

function setup() {
  const store = new FakeExecutionStore();
  let queries = 0;
  const repository = {
    findOne: async (orgId: string, id: string) => {
      queries += 1;
      const row = store.rows.get(id);
      return row && row.organization_id === orgId ? { ...row } : null;
    },
  };
  const published = new Subject<ExecutionEvent>();
  const events = { watch: () => published.asObservable() };
  const stream = new ExecutionStatusStream(
    repository as unknown as ExecutionsRepository,
    events as unknown as ExecutionEventsService,
    new MemberStreams(),
  );
  const watch = (id: string, who = actor()) => {
    const seen: MessageEvent[] = [];
    let done = false;
    const subscription = stream
      .open(who, id)
      .subscribe({ next: (e) => seen.push(e), complete: () => (done = true) });
    return { seen, subscription, isDone: () => done };
  };
  return { store, published, watch, queries: () => queries };
}

/** Lets pending promise callbacks (the row reads) run. */
const settle = () => jest.advanceTimersByTimeAsync(0);

describe('ExecutionStatusStream', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('sends the current status first, then changes, and ends after a final one', async () => {
    const { store, published, watch } = setup();
    const run = store.add({ status: 'pending', updated_at: new Date() });
    const { seen, isDone } = watch(run.id);
    await settle();
    published.next({ execution_id: run.id, status: 'running', at: 'now' });
    published.next({ execution_id: run.id, status: 'completed', at: 'now' });

    expect(seen.map((e) => (e.data as ExecutionEvent).status)).toEqual([
      'pending',
      'running',
      'completed',
    ]);
    expect(isDone()).toBe(true);
  });

  it('polls the database once per tick for an execution, however many watch it', async () => {
    const { store, watch, queries } = setup();
    const run = store.add({ status: 'running', updated_at: new Date() });
    const watchers = [watch(run.id), watch(run.id, actor({ userId: 'u-2' })), watch(run.id)];
    await settle();
    const afterOpening = queries(); // each watcher's own first read

    await jest.advanceTimersByTimeAsync(5000 * 3);

    expect(afterOpening).toBe(3);
    expect(queries() - afterOpening).toBe(3);
    watchers.forEach((w) => w.subscription.unsubscribe());
  });

  it('ends when the token that opened it expires', async () => {
    const { store, watch } = setup();
    const run = store.add({ status: 'running', updated_at: new Date() });
    const { isDone } = watch(run.id, actor({ tokenExpiresAt: new Date(Date.now() + 60_000) }));
    await jest.advanceTimersByTimeAsync(59_000);
    expect(isDone()).toBe(false);

    await jest.advanceTimersByTimeAsync(1_000);
    expect(isDone()).toBe(true);
  });
});
