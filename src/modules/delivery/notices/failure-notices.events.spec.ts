import type { ExecutionFailed } from 'src/modules/executions/execution-outcome.events';
import { ORG } from 'test/fakes/delivery.fakes';
import { FIRST, setupFailureNotices } from 'test/fakes/failure-notices.harness';

describe('FailureNoticesService events', () => {
  describe('access revoked', () => {
    it("pauses the schedule and records one admins' notice per run, however often it is reported", async () => {
      const { service, notices, executions, schedules, schedulesService, queue } =
        setupFailureNotices();
      const schedule = schedules.add({ status: 'active' });
      const run = executions.add({ scheduled_report_id: schedule.id, status: 'failed' });

      await service.accessRevoked(ORG, run.id, 'its creator u-owner was deactivated');
      await service.accessRevoked(ORG, run.id, 'its creator u-owner was deactivated');

      expect(schedulesService.paused).toEqual([schedule.id, schedule.id]);
      const recorded = [...notices.rows.values()].filter((n) => n.kind === 'access_revoked');
      expect(recorded).toHaveLength(1);
      expect(recorded[0]).toMatchObject({
        subject_id: run.id,
        details: { reason: 'its creator u-owner was deactivated' },
      });
      expect([...queue.jobs.keys()]).toEqual([recorded[0].id]);
    });

    it("mails each active admin, not the schedule's creator", async () => {
      const { service, members, mailer, pendingNotice } = setupFailureNotices();
      members.add({ user_id: 'u-admin-1', email: 'ada@example.com', roles: ['admin'] });
      members.add({ user_id: 'u-admin-2', email: 'bob@example.com', roles: ['viewer', 'admin'] });
      members.add({
        user_id: 'u-gone',
        email: 'gone@example.com',
        roles: ['admin'],
        is_active: false,
      });
      const { job } = pendingNotice({
        kind: 'access_revoked',
        details: { reason: 'its creator u-owner was deactivated' },
      });

      expect(await service.send(job, FIRST)).toEqual({ result: 'sent' });
      expect(mailer.sent).toEqual([
        expect.objectContaining({
          kind: 'access_revoked',
          to: ['ada@example.com', 'bob@example.com'],
          reason: 'its creator u-owner was deactivated',
        }),
      ]);
    });

    it('is skipped, with the reason, when the organization has no active admin to tell', async () => {
      const { service, notices, mailer, pendingNotice } = setupFailureNotices();
      const { notice, job } = pendingNotice({ kind: 'access_revoked', details: { reason: 'x' } });

      expect(await service.send(job, FIRST)).toEqual({
        result: 'skipped',
        reason: 'the organization has no active admin with an email address',
      });
      expect(mailer.sent).toHaveLength(0);
      expect(notices.get(notice.id).status).toBe('skipped');
    });
  });

  describe('the execution.failed subscription', () => {
    /** A failed run, and the event its failure published. */
    function failedRun(
      { executions }: ReturnType<typeof setupFailureNotices>,
      skippedReason: string | null = null,
    ) {
      const execution = executions.add({
        status: 'failed',
        file_key: null,
        error_message: skippedReason ?? 'relation "invoices" does not exist',
        metadata: skippedReason ? { skipped_reason: skippedReason } : {},
      });
      const payload: ExecutionFailed = {
        execution_id: execution.id,
        schedule_id: execution.scheduled_report_id,
        reason: execution.error_message as string,
        skipped_reason: skippedReason,
      };
      return { execution, payload };
    }

    it('records and enqueues an execution_failed notice for a run that failed', async () => {
      const context = setupFailureNotices();
      const { service, bus, notices, queue } = context;
      const { execution, payload } = failedRun(context);
      service.onModuleInit();

      await bus.publish('execution.failed', payload);

      expect(bus.subscribersOf('execution.failed')).toEqual(['failure notices']);
      const created = [...notices.rows.values()];
      expect(created).toEqual([
        expect.objectContaining({
          kind: 'execution_failed',
          subject_id: execution.id,
          scheduled_report_id: execution.scheduled_report_id,
          details: { reason: 'relation "invoices" does not exist' },
        }),
      ]);
      expect(queue.ids('notice')).toEqual([created[0].id]);
    });

    it('ignores a run that was not generated because its schedule was paused or deleted', async () => {
      const context = setupFailureNotices();
      const { service, bus, notices, queue } = context;
      const { payload } = failedRun(context, 'not generated: the schedule was paused');
      const executionFailed = jest.spyOn(service, 'executionFailed');
      service.onModuleInit();

      await bus.publish('execution.failed', payload);

      expect(executionFailed).not.toHaveBeenCalled();
      expect(notices.rows.size).toBe(0);
      expect(queue.jobs.size).toBe(0);
    });

    it("turns a refused run into the admins' access notice and a pause, not a creator notice", async () => {
      const context = setupFailureNotices();
      const { service, bus, notices, schedules, schedulesService } = context;
      const { execution, payload } = failedRun(context);
      schedules.add({ id: execution.scheduled_report_id, status: 'active' });
      service.onModuleInit();

      await bus.publish('execution.failed', {
        ...payload,
        access_revoked: 'its creator u-owner was deactivated',
      });

      expect([...notices.rows.values()].map((n) => n.kind)).toEqual(['access_revoked']);
      expect(schedulesService.paused).toEqual([execution.scheduled_report_id]);
    });

    it('notices a failure once however often its event is handled', async () => {
      const context = setupFailureNotices();
      const { service, bus, notices, queue } = context;
      const { payload } = failedRun(context);
      service.onModuleInit();

      await bus.publish('execution.failed', payload);
      await bus.publish('execution.failed', payload);

      expect(notices.rows.size).toBe(1);
      expect(queue.requested).toHaveLength(1);
    });
  });
});
