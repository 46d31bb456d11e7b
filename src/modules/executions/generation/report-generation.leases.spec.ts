import { randomUUID } from 'node:crypto';
import { PermanentGenerationError } from 'src/modules/generators/generation.errors';
import { AttemptReturnedError } from 'src/queue/job-attempt';
import { ORG, untilAborted } from 'test/fakes/execution.fakes';
import { FIRST, setupGeneration as setup } from 'test/fakes/report-generation.harness';

/** Attempts fenced by an expiring lease: who may take a run over, and whose file stands. */
describe('ReportGenerationService leases', () => {
  it('drops the result of an attempt that another attempt took over, and removes its file', async () => {
    const { service, store, storage, generator, pendingRun, expireLease } = setup();
    const { execution, job } = pendingRun();
    // While the first attempt generates, its lease runs out and a second attempt takes over.
    generator.behaviour = async () => {
      generator.behaviour = async () => ({ rows: 7 });
      expireLease(execution.id);
      expect(await service.generate(job, { number: 2, max: 3 })).toEqual({
        result: 'completed',
        rows: 7,
      });
      return { rows: 3 };
    };

    expect(await service.generate(job, FIRST)).toEqual({
      result: 'skipped',
      reason: 'another attempt took this run over',
    });
    // The run holds the second attempt's result, completed once; the first one's file is gone.
    const row = store.get(execution.id);
    expect(row.metadata).toMatchObject({ rows_generated: 7 });
    expect(store.events.map((e) => e.type)).toEqual(['execution.completed']);
    const [first, second] = generator.calls.map((c) => c.key);
    expect(second).toBe(row.file_key);
    expect(first).not.toBe(second);
    // Removed by the winner when it took over, and by the loser when it lost: only that file.
    expect(new Set(storage.deleted)).toEqual(new Set([first]));
  });

  it('leaves a run whose attempt is alive to it: no work, no attempt used, a look later', async () => {
    const { service, store, generator, pendingRun } = setup();
    const { execution, job } = pendingRun(
      {},
      { status: 'running', lease_id: randomUUID(), leased_until: new Date(Date.now() + 20_000) },
    );

    const tried = service.generate(job, { number: 2, max: 3 });

    await expect(tried).rejects.toBeInstanceOf(AttemptReturnedError);
    const error = (await tried.catch((e: AttemptReturnedError) => e)) as AttemptReturnedError;
    expect(error.retryAfterMs).toBeGreaterThan(19_000);
    expect(error.retryAfterMs).toBeLessThan(21_000);
    expect(generator.calls).toHaveLength(0);
    expect(store.get(execution.id)).toMatchObject({ status: 'running', retry_count: 0 });
  });

  it('takes over a run whose lease expired, and removes the file its attempt may have left', async () => {
    const { service, store, storage, pendingRun, counters } = setup();
    const dead = randomUUID();
    const { execution, job } = pendingRun(
      {},
      { status: 'running', lease_id: dead, leased_until: new Date(Date.now() - 1) },
    );

    expect((await service.generate(job, FIRST)).result).toBe('completed');

    expect(storage.deleted).toEqual([`org/${ORG}/executions/${execution.id}-${dead}.csv`]);
    expect(store.get(execution.id).file_key).not.toContain(dead);
    expect(
      await counters.registry.getSingleMetricAsString('scheduled_reports_lease_takeovers_total'),
    ).toMatch(/ 1$/m);
  });

  it('counts no takeover when it starts a pending run', async () => {
    const { service, pendingRun, counters } = setup();
    const { job } = pendingRun();

    expect((await service.generate(job, FIRST)).result).toBe('completed');

    expect(
      await counters.registry.getSingleMetricAsString('scheduled_reports_lease_takeovers_total'),
    ).toMatch(/ 0$/m);
  });

  it('renews its lease while it generates, and stops its work once the lease is lost', async () => {
    const { service, store, generator, pendingRun } = setup({}, { lockDurationMs: 600 });
    const { execution, job } = pendingRun();
    const renewedUntil: number[] = [];
    generator.behaviour = async (_request, signal) => {
      const until = () => store.get(execution.id).leased_until?.getTime() ?? 0;
      const first = until();
      await new Promise((resolve) => setTimeout(resolve, 450));
      renewedUntil.push(until() - first);
      // Another attempt takes the run over: the next renewal finds it gone.
      store.get(execution.id).lease_id = randomUUID();
      return untilAborted(signal);
    };

    expect(await service.generate(job, FIRST)).toEqual({
      result: 'skipped',
      reason: 'another attempt took this run over',
    });
    expect(renewedUntil[0]).toBeGreaterThan(0);
    expect(store.get(execution.id).status).toBe('running');
  });

  it('hands the run back when its worker shuts down: pending again, no attempt used', async () => {
    const { service, store, storage, generator, pendingRun } = setup();
    const { execution, job } = pendingRun();
    const shutdown = new AbortController();
    generator.behaviour = async (_request, signal) => {
      shutdown.abort();
      return untilAborted(signal);
    };

    const tried = service.generate(job, FIRST, shutdown.signal);

    await expect(tried).rejects.toMatchObject({ name: 'AttemptReturnedError', retryAfterMs: 0 });
    expect(store.get(execution.id)).toMatchObject({
      status: 'pending',
      lease_id: null,
      leased_until: null,
      retry_count: 0,
    });
    expect(store.events).toHaveLength(0);
    expect(storage.deleted).toEqual([]);
  });

  it('does not fail a run another attempt completed while this one was failing', async () => {
    const { service, store, generator, pendingRun, expireLease } = setup();
    const { execution, job } = pendingRun();
    generator.behaviour = async () => {
      generator.behaviour = async () => ({});
      expireLease(execution.id);
      await service.generate(job, { number: 2, max: 3 });
      throw new PermanentGenerationError('stale attempt gave up');
    };

    expect(await service.generate(job, FIRST)).toEqual({
      result: 'skipped',
      reason: 'another attempt took this run over',
    });
    expect(store.get(execution.id).status).toBe('completed');
    expect(store.events.map((e) => e.type)).toEqual(['execution.completed']);
  });

  it('counts a run found still running as a retry of a dead attempt', async () => {
    const { service, store, pendingRun } = setup();
    const { execution, job } = pendingRun({}, { status: 'running', lease_id: randomUUID() });

    await service.generate(job, FIRST);

    expect(store.get(execution.id).retry_count).toBe(1);
  });
});
