import { randomUUID } from 'node:crypto';
import type { DomainEventType } from 'src/domain/vocabulary';
import { DomainEvent, DomainEventBus } from './domain-event-bus';
import type { OutboxEvent } from './entities/outbox-event.entity';
import type { EventRef, OutboxRepository } from './outbox.repository';

const ORG = '00000000-0000-4000-8000-0000000000b2';

/** `outbox_events` in memory, with the claim/lease rules of OutboxRepository. */
class FakeOutbox {
  readonly rows = new Map<string, OutboxEvent>();
  now = Date.parse('2026-12-07T14:00:00Z');

  add(type: DomainEventType, payload: Record<string, unknown> = {}): EventRef {
    const id = randomUUID();
    this.rows.set(id, {
      id,
      organization_id: ORG,
      type,
      subject_id: randomUUID(),
      payload,
      attempts: 0,
      leased_until: null,
      last_error: null,
      dispatched_at: null,
      created_at: new Date(this.now),
    });
    return { id, orgId: ORG };
  }

  async claim(ref: EventRef, leaseMs: number): Promise<OutboxEvent | null> {
    const row = this.rows.get(ref.id);
    if (!row || row.organization_id !== ref.orgId || row.dispatched_at) return null;
    if (row.leased_until && row.leased_until.getTime() >= this.now) return null;
    row.attempts += 1;
    row.leased_until = new Date(this.now + leaseMs);
    return { ...row };
  }

  async markDispatched(ref: EventRef): Promise<void> {
    const row = this.rows.get(ref.id)!;
    row.dispatched_at = new Date(this.now);
    row.leased_until = null;
    row.last_error = null;
  }

  async postpone(ref: EventRef, error: string, retryInMs: number): Promise<void> {
    const row = this.rows.get(ref.id)!;
    if (row.dispatched_at) return;
    row.last_error = error;
    row.leased_until = new Date(this.now + retryInMs);
  }
}

function setup() {
  const outbox = new FakeOutbox();
  const bus = new DomainEventBus(outbox as unknown as OutboxRepository);
  const seen: { subscriber: string; event: DomainEvent }[] = [];
  const subscriber = (name: string, fail?: () => Error) => ({
    name,
    handle: async (event: DomainEvent) => {
      seen.push({ subscriber: name, event });
      if (fail) throw fail();
    },
  });
  return { outbox, bus, seen, subscriber };
}

describe('DomainEventBus', () => {
  it('hands an event to every subscriber of its type, then marks it dispatched', async () => {
    const { outbox, bus, seen, subscriber } = setup();
    bus.subscribe('execution.completed', subscriber('fan-out'));
    bus.subscribe('execution.completed', subscriber('metrics'));
    bus.subscribe('execution.failed', subscriber('notices'));
    const ref = outbox.add('execution.completed', { execution_id: 'e-1' });

    expect(await bus.dispatch([ref])).toBe(1);

    expect(seen.map((s) => s.subscriber)).toEqual(['fan-out', 'metrics']);
    expect(seen[0].event).toMatchObject({
      id: ref.id,
      orgId: ORG,
      type: 'execution.completed',
      payload: { execution_id: 'e-1' },
    });
    expect(outbox.rows.get(ref.id)?.dispatched_at).not.toBeNull();
  });

  it('does nothing with an event already dispatched (the relay and the publisher raced)', async () => {
    const { outbox, bus, seen, subscriber } = setup();
    bus.subscribe('execution.completed', subscriber('fan-out'));
    const ref = outbox.add('execution.completed');
    await bus.dispatch([ref]);

    expect(await bus.dispatch([ref])).toBe(0);
    expect(seen).toHaveLength(1);
  });

  it('leaves an event another dispatcher holds to it', async () => {
    const { outbox, bus, seen, subscriber } = setup();
    bus.subscribe('execution.completed', subscriber('fan-out'));
    const ref = outbox.add('execution.completed');
    await outbox.claim(ref, 60_000);

    expect(await bus.dispatch([ref])).toBe(0);
    expect(seen).toHaveLength(0);
  });

  it('keeps an event whose subscriber failed, with the error, and retries it after a backoff', async () => {
    const { outbox, bus, seen, subscriber } = setup();
    let failures = 2;
    bus.subscribe(
      'execution.completed',
      subscriber('fan-out', () => {
        failures -= 1;
        return failures >= 0 ? new Error('deadlock detected') : (undefined as never);
      }),
    );
    const ref = outbox.add('execution.completed');

    expect(await bus.dispatch([ref])).toBe(0);
    const row = outbox.rows.get(ref.id)!;
    expect(row.dispatched_at).toBeNull();
    expect(row.last_error).toBe('fan-out: deadlock detected');
    const firstRetryAt = row.leased_until!.getTime();
    expect(firstRetryAt - outbox.now).toBe(5_000);

    // Not before the backoff is over.
    expect(await bus.dispatch([ref])).toBe(0);
    expect(seen).toHaveLength(1);

    outbox.now = firstRetryAt + 1;
    expect(await bus.dispatch([ref])).toBe(0);
    // The backoff doubles.
    expect(row.leased_until!.getTime() - outbox.now).toBe(10_000);
  });

  it('dispatches the event once a failing subscriber recovers; every subscriber runs again', async () => {
    const { outbox, bus, seen, subscriber } = setup();
    let fail = true;
    bus.subscribe('execution.failed', subscriber('notices'));
    bus.subscribe('execution.failed', {
      name: 'flaky',
      handle: async () => {
        if (fail) throw new Error('timeout');
      },
    });
    const ref = outbox.add('execution.failed');
    await bus.dispatch([ref]);
    fail = false;
    outbox.now += 5_001;

    expect(await bus.dispatch([ref])).toBe(1);
    // Handlers are idempotent, so the one that had succeeded may run twice.
    expect(seen.map((s) => s.subscriber)).toEqual(['notices', 'notices']);
    expect(outbox.rows.get(ref.id)?.dispatched_at).not.toBeNull();
  });

  it('never marks an event dispatched in a process where nobody subscribes to it', async () => {
    const { outbox, bus } = setup();
    const ref = outbox.add('execution.failed');

    expect(await bus.dispatch([ref])).toBe(0);
    expect(outbox.rows.get(ref.id)).toMatchObject({
      dispatched_at: null,
      last_error: 'no subscriber for execution.failed in this process',
    });
  });

  it('names who subscribes to a type', () => {
    const { bus, subscriber } = setup();
    bus.subscribe('execution.completed', subscriber('delivery fan-out'));
    expect(bus.subscribersOf('execution.completed')).toEqual(['delivery fan-out']);
    expect(bus.subscribersOf('execution.failed')).toEqual([]);
  });
});
