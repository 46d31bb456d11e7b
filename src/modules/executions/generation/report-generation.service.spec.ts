import { randomUUID } from 'node:crypto';
import { PermanentGenerationError } from 'src/modules/generators/generation.errors';
import { ORG, untilAborted } from 'test/fakes/execution.fakes';
import { FIRST, LAST, setupGeneration as setup } from 'test/fakes/report-generation.harness';

describe('ReportGenerationService', () => {
  describe('a run that generates', () => {
    it('completes it, records the file, and publishes execution.completed after commit', async () => {
      const { service, store, bus, live, pendingRun } = setup();
      const { execution, schedule, job } = pendingRun();

      expect(await service.generate(job, FIRST)).toEqual({ result: 'completed', rows: 3 });

      const row = store.get(execution.id);
      expect(row).toMatchObject({
        status: 'completed',
        file_key: `org/${ORG}/executions/${execution.id}-${row.lease_id}.csv`,
        leased_until: null,
        file_size: 120,
        file_checksum: 'f'.repeat(64),
        error_message: null,
      });
      expect(row.metadata).toMatchObject({
        rows_generated: 3,
        data_as_of: '2026-12-07T14:00:01.000Z',
        content_sha256: 'c'.repeat(64),
        filters_applied: { date_range: { from: '2026-11-30', to: '2026-12-06' } },
      });
      expect(store.events).toEqual([
        expect.objectContaining({
          type: 'execution.completed',
          subjectId: execution.id,
          payload: {
            execution_id: execution.id,
            schedule_id: schedule.id,
            rows: 3,
            content_sha256: 'c'.repeat(64),
          },
        }),
      ]);
      expect(bus.dispatched).toEqual([{ id: store.events[0].id, orgId: ORG }]);
      expect(live.statuses(execution.id)).toEqual(['running', 'completed']);
    });

    it("asks for the schedule's report at the run's slot, under the attempt's own key", async () => {
      const { service, store, generator, pendingRun } = setup();
      const { execution, job } = pendingRun(
        { output_format: 'xlsx', delivery_options: { compress: true } },
        { scheduled_for: new Date('2026-11-30T14:00:00Z') },
      );

      await service.generate(job, FIRST);

      expect(generator.calls).toEqual([
        {
          request: {
            orgId: ORG,
            reportType: 'invoice_summary',
            parameters: { date_range: { preset: 'previous_week' } },
            outputFormat: 'xlsx',
            timezone: 'America/New_York',
            runAt: new Date('2026-11-30T14:00:00Z'),
            title: 'Weekly invoices',
            compress: true,
          },
          key: `org/${ORG}/executions/${execution.id}-${store.get(execution.id).lease_id}.xlsx.gz`,
        },
      ]);
    });

    it('still completes when the event cannot be dispatched now (the outbox relay will)', async () => {
      const { service, store, bus, pendingRun } = setup();
      const { execution, job } = pendingRun();
      bus.failWith = new Error('connection terminated');

      expect(await service.generate(job, FIRST)).toEqual({ result: 'completed', rows: 3 });
      expect(store.get(execution.id).status).toBe('completed');
      expect(store.events.map((e) => e.type)).toEqual(['execution.completed']);
    });
  });

  describe('a run that must not generate', () => {
    it('leaves a finished run alone (a duplicate job)', async () => {
      const { service, store, generator, pendingRun } = setup();
      const { execution, job } = pendingRun({}, { status: 'completed' });

      expect(await service.generate(job, FIRST)).toEqual({
        result: 'skipped',
        reason: 'already finished',
      });
      expect(generator.calls).toHaveLength(0);
      expect(store.get(execution.id).status).toBe('completed');
      expect(store.events).toHaveLength(0);
    });

    it("does not find another organization's run", async () => {
      const { service, generator, pendingRun } = setup();
      const { job } = pendingRun();

      const outcome = await service.generate({ ...job, orgId: randomUUID() }, FIRST);

      expect(outcome.result).toBe('skipped');
      expect(generator.calls).toHaveLength(0);
    });

    it.each([
      ['deleted', { deleted_at: new Date() }, 'schedule', 'the schedule was deleted'],
      ['paused', { status: 'paused' as const }, 'schedule', 'the schedule was paused'],
    ])(
      'fails a scheduled run of a %s schedule without generating, as not run',
      async (_label, schedule, trigger, reason) => {
        const { service, store, generator, pendingRun } = setup();
        const { execution, job } = pendingRun(schedule, { trigger: trigger as 'schedule' });

        const outcome = await service.generate(job, FIRST);

        expect(outcome).toEqual({ result: 'skipped', reason: expect.stringContaining(reason) });
        expect(generator.calls).toHaveLength(0);
        expect(store.get(execution.id).status).toBe('failed');
        // Subscribers (failure notices) can tell "not run" from a failure.
        expect(store.events[0]).toMatchObject({
          type: 'execution.failed',
          payload: { skipped_reason: expect.stringContaining(reason) },
        });
      },
    );

    it('refuses a run whose creator lost the right to it: failed for good, with the reason in its event', async () => {
      const { service, store, generator, access, pendingRun } = setup();
      const { execution, job } = pendingRun();
      access.creator = 'its creator u-owner was deactivated';

      expect(await service.generate(job, FIRST)).toEqual({
        result: 'failed',
        reason: 'not generated: its creator u-owner was deactivated',
      });
      expect(generator.calls).toHaveLength(0);
      expect(store.get(execution.id).status).toBe('failed');
      // Subscribers pause the schedule and tell the admins, instead of mailing the creator.
      expect(store.events[0]).toMatchObject({
        type: 'execution.failed',
        payload: { access_revoked: 'its creator u-owner was deactivated', skipped_reason: null },
      });
    });

    it('generates a manual run of a paused schedule (run now is explicit)', async () => {
      const { service, generator, pendingRun } = setup();
      const { job } = pendingRun({ status: 'paused' }, { trigger: 'manual' });

      expect((await service.generate(job, FIRST)).result).toBe('completed');
      expect(generator.calls).toHaveLength(1);
    });
  });

  describe('retry or give up', () => {
    it('retries a transient error while attempts remain: notes it and rethrows for Bull', async () => {
      const { service, store, generator, live, pendingRun } = setup();
      const { execution, job } = pendingRun();
      generator.behaviour = async () => {
        throw new Error('connection reset by peer');
      };

      await expect(service.generate(job, FIRST)).rejects.toThrow('connection reset by peer');

      expect(store.get(execution.id)).toMatchObject({
        status: 'running',
        error_message: 'attempt failed, will retry: connection reset by peer',
      });
      expect(store.events).toHaveLength(0);
      expect(live.statuses(execution.id)).toEqual(['running']);
    });

    it('fails the run for good when the last attempt fails', async () => {
      const { service, store, generator, live, pendingRun } = setup();
      const { execution, job } = pendingRun();
      generator.behaviour = async () => {
        throw new Error('connection reset by peer');
      };

      expect(await service.generate(job, LAST)).toEqual({
        result: 'failed',
        reason: 'connection reset by peer',
      });
      expect(store.get(execution.id)).toMatchObject({
        status: 'failed',
        error_message: 'connection reset by peer',
      });
      expect(store.events[0]).toMatchObject({
        type: 'execution.failed',
        payload: { reason: 'connection reset by peer', skipped_reason: null },
      });
      expect(live.statuses(execution.id)).toEqual(['running', 'failed']);
    });

    it('fails at once on a permanent error, attempts left or not', async () => {
      const { service, store, generator, pendingRun } = setup();
      const { execution, job } = pendingRun();
      generator.behaviour = async () => {
        throw new PermanentGenerationError('the report has more than 10 rows');
      };

      expect(await service.generate(job, FIRST)).toEqual({
        result: 'failed',
        reason: 'the report has more than 10 rows',
      });
      expect(store.get(execution.id).status).toBe('failed');
    });

    it('aborts a generation past the time limit and fails it for good, not retried', async () => {
      const { service, store, generator, pendingRun } = setup({ generationTimeoutMs: 20 });
      const { execution, job } = pendingRun();
      let aborted = false;
      generator.behaviour = async (_request, signal) => {
        signal.addEventListener('abort', () => (aborted = true));
        return untilAborted(signal);
      };

      const outcome = await service.generate(job, FIRST);

      expect(aborted).toBe(true);
      expect(outcome).toEqual({
        result: 'failed',
        reason: 'generation took longer than the maximum of 0 s',
      });
      expect(store.get(execution.id).status).toBe('failed');
    });
  });
});
