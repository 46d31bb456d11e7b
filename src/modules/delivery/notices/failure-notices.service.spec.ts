import { randomUUID } from 'node:crypto';
import type { Actor } from 'src/common/auth/actor';
import type { ReportExecution } from 'src/modules/executions/entities/report-execution.entity';
import type { ExecutionFailed } from 'src/modules/executions/execution-outcome.events';
import type { ExecutionsRepository } from 'src/modules/executions/executions.repository';
import type { Member } from 'src/modules/organizations/entities/member.entity';
import type { MembersRepository } from 'src/modules/organizations/members.repository';
import type { OrganizationsService } from 'src/modules/organizations/organizations.service';
import type { DomainEventBus } from 'src/modules/outbox/domain-event-bus';
import type { ScheduledReport } from 'src/modules/schedules/entities/scheduled-report.entity';
import type { SchedulesRepository } from 'src/modules/schedules/schedules.repository';
import type { SchedulesService } from 'src/modules/schedules/schedules.service';
import type { DeliveryQueue } from 'src/queue/delivery-queue';
import type { JobAttempt } from 'src/queue/job-attempt';
import {
  deliveryConfig,
  FakeDeliveryQueue,
  FakeExecutions,
  FakeMembers,
  FakeNoticeMailer,
  FakeNoticesRepository,
  FakeOrganizations,
  FakeSchedules,
  FakeSubscriberBus,
  newOrganization,
  ORG,
} from 'test/fakes/delivery.fakes';
import { PermanentDeliveryError, RetryableDeliveryError } from '../delivery.errors';
import type { NoticeMailer } from '../mail/notice-mailer';
import type { Notice } from '../entities/notice.entity';
import { FailureNoticesService } from './failure-notices.service';
import type { NoticesRepository } from './notices.repository';

const FIRST: JobAttempt = { number: 1, max: 3 };
const LAST: JobAttempt = { number: 3, max: 3 };

/** SchedulesService as the auto-pause uses it: which schedules it paused. */
class FakeSchedulesService {
  readonly paused: string[] = [];
  async pause(_actor: Actor, scheduleId: string): Promise<void> {
    this.paused.push(scheduleId);
  }
}

function setup() {
  const notices = new FakeNoticesRepository();
  const executions = new FakeExecutions();
  const schedules = new FakeSchedules();
  const organizations = new FakeOrganizations();
  const members = new FakeMembers();
  const mailer = new FakeNoticeMailer();
  const queue = new FakeDeliveryQueue();
  const bus = new FakeSubscriberBus();
  const schedulesService = new FakeSchedulesService();
  const service = new FailureNoticesService(
    notices as unknown as NoticesRepository,
    executions as unknown as ExecutionsRepository,
    schedules as unknown as SchedulesRepository,
    schedulesService as unknown as SchedulesService,
    organizations as unknown as OrganizationsService,
    members as unknown as MembersRepository,
    mailer as unknown as NoticeMailer,
    queue as unknown as DeliveryQueue,
    deliveryConfig(),
    bus as unknown as DomainEventBus,
  );
  /** A pending notice about a failed run, to the schedule's active creator owner@example.com. */
  const pendingNotice = (
    notice: Partial<Notice> = {},
    options: {
      creator?: Partial<Member> | null;
      schedule?: Partial<ScheduledReport>;
      run?: Partial<ReportExecution>;
    } = {},
  ) => {
    if (options.creator !== null) {
      members.add({ user_id: 'u-owner', email: 'owner@example.com', ...options.creator });
    }
    const s = schedules.add({ created_by: 'u-owner', ...options.schedule });
    const e = executions.add({
      scheduled_report_id: s.id,
      status: 'failed',
      file_key: null,
      error_message: 'relation "invoices" does not exist',
      ...options.run,
    });
    const n = notices.add({
      kind: 'execution_failed',
      subject_id: e.id,
      scheduled_report_id: s.id,
      ...notice,
    });
    return { notice: n, schedule: s, execution: e, job: { noticeId: n.id, orgId: ORG } };
  };
  return {
    service,
    notices,
    executions,
    schedules,
    organizations,
    mailer,
    queue,
    bus,
    members,
    schedulesService,
    pendingNotice,
  };
}

describe('FailureNoticesService', () => {
  describe('send', () => {
    it("mails the schedule's creator about the failure and records the notice sent", async () => {
      const { service, notices, organizations, mailer, pendingNotice } = setup();
      organizations.rows.set(ORG, newOrganization({ brand_name: ' Acme Billing ' }));
      const { notice, schedule, execution, job } = pendingNotice({
        details: { reason: 'the report has more than 5000000 rows' },
      });

      expect(await service.send(job, FIRST)).toEqual({ result: 'sent' });

      expect(mailer.sent).toEqual([
        expect.objectContaining({
          noticeId: notice.id,
          kind: 'execution_failed',
          to: ['owner@example.com'],
          brandName: 'Acme Billing',
          scheduleName: schedule.name,
          scheduleId: schedule.id,
          executionId: execution.id,
          scheduledFor: execution.scheduled_for,
          timezone: 'America/New_York',
          reason: 'the report has more than 5000000 rows',
          failedDeliveries: undefined,
          historyUrl: `https://reports.example/api/scheduled-reports/${schedule.id}/executions`,
        }),
      ]);
      expect(notices.get(notice.id)).toMatchObject({
        status: 'sent',
        attempts: 1,
        error_message: null,
      });
    });

    it('lists the failed deliveries in a delivery_failed notice', async () => {
      const { service, notices, mailer, pendingNotice } = setup();
      const { execution, job } = pendingNotice(
        { kind: 'delivery_failed' },
        { run: { status: 'completed', error_message: null } },
      );
      const failed = [{ recipient: 'email: eve@example.com', error: '550 no such user' }];
      notices.failed.set(execution.id, failed);

      await service.send(job, FIRST);

      expect(mailer.sent[0]).toMatchObject({
        kind: 'delivery_failed',
        failedDeliveries: failed,
        reason: 'unknown error',
      });
    });

    it('still notices the creator of a schedule deleted since', async () => {
      const { service, mailer, pendingNotice } = setup();
      const { job } = pendingNotice({}, { schedule: { deleted_at: new Date() } });

      expect(await service.send(job, FIRST)).toEqual({ result: 'sent' });
      expect(mailer.sent).toHaveLength(1);
    });
  });

  describe('a notice that must not be sent', () => {
    it.each(['sent', 'failed', 'skipped'] as const)(
      'leaves an already %s notice alone',
      async (status) => {
        const { service, notices, mailer, pendingNotice } = setup();
        const { notice, job } = pendingNotice({ status, attempts: 1 });

        expect(await service.send(job, FIRST)).toEqual({
          result: 'skipped',
          reason: 'already finished',
        });
        expect(mailer.sent).toHaveLength(0);
        expect(notices.get(notice.id)).toMatchObject({ status, attempts: 1 });
      },
    );

    it.each<[string, Partial<Member> | null]>([
      ['gone from the organization', null],
      ['deactivated', { is_active: false }],
      ['without an email address', { email: null }],
    ])('skips it when the creator is %s', async (_label, creator) => {
      const { service, notices, mailer, pendingNotice } = setup();
      const { notice, job } = pendingNotice({}, { creator });
      const reason = "the schedule's creator is no longer an active member with an email address";

      expect(await service.send(job, FIRST)).toEqual({ result: 'skipped', reason });
      expect(mailer.sent).toHaveLength(0);
      expect(notices.get(notice.id)).toMatchObject({ status: 'skipped', error_message: reason });
    });

    it.each(['execution', 'schedule'])('skips it when its %s no longer exists', async (gone) => {
      const { service, notices, executions, schedules, mailer, pendingNotice } = setup();
      const { notice, execution, schedule, job } = pendingNotice();
      if (gone === 'execution') executions.rows.delete(execution.id);
      else schedules.rows.delete(schedule.id);

      expect(await service.send(job, FIRST)).toEqual({
        result: 'skipped',
        reason: 'the execution or schedule no longer exists',
      });
      expect(mailer.sent).toHaveLength(0);
      expect(notices.get(notice.id).status).toBe('skipped');
    });

    it('does not find a notice of another organization', async () => {
      const { service, mailer, pendingNotice } = setup();
      const { job } = pendingNotice();

      expect(await service.send({ ...job, orgId: randomUUID() }, FIRST)).toEqual({
        result: 'skipped',
        reason: 'already finished',
      });
      expect(mailer.sent).toHaveLength(0);
    });
  });

  describe('retry or give up', () => {
    it.each([
      ['a retryable error', new RetryableDeliveryError('421 4.7.0 try again later')],
      ['any other error', new Error('connect ECONNREFUSED 10.0.0.5:587')],
    ])('notes %s and rethrows it for Bull while attempts remain', async (_label, thrown) => {
      const { service, notices, mailer, pendingNotice } = setup();
      const { notice, job } = pendingNotice();
      mailer.behaviour = async () => {
        throw thrown;
      };

      await expect(service.send(job, FIRST)).rejects.toBe(thrown);

      expect(notices.get(notice.id)).toMatchObject({
        status: 'pending',
        attempts: 1,
        error_message: `will retry: ${thrown.message}`,
      });
    });

    it('sends on a later attempt after a transient failure', async () => {
      const { service, notices, mailer, pendingNotice } = setup();
      const { notice, job } = pendingNotice();
      mailer.behaviour = async () => {
        mailer.behaviour = async () => undefined;
        throw new RetryableDeliveryError('421 4.7.0 try again later');
      };
      await expect(service.send(job, FIRST)).rejects.toThrow('try again later');

      expect(await service.send(job, { number: 2, max: 3 })).toEqual({ result: 'sent' });
      expect(notices.get(notice.id)).toMatchObject({ status: 'sent', attempts: 2 });
    });

    it('fails the notice on the last attempt', async () => {
      const { service, notices, mailer, pendingNotice } = setup();
      const { notice, job } = pendingNotice();
      mailer.behaviour = async () => {
        throw new RetryableDeliveryError('421 4.7.0 try again later');
      };

      expect(await service.send(job, LAST)).toEqual({
        result: 'failed',
        reason: '421 4.7.0 try again later',
      });
      expect(notices.get(notice.id)).toMatchObject({
        status: 'failed',
        error_message: '421 4.7.0 try again later',
      });
    });

    it('fails the notice at once on a permanent error, attempts left or not', async () => {
      const { service, notices, mailer, pendingNotice } = setup();
      const { notice, job } = pendingNotice();
      mailer.behaviour = async () => {
        throw new PermanentDeliveryError('550 5.1.1 no such user', 'bounced');
      };

      expect(await service.send(job, FIRST)).toEqual({
        result: 'failed',
        reason: '550 5.1.1 no such user',
      });
      expect(notices.get(notice.id).status).toBe('failed');
      expect(mailer.sent).toHaveLength(1);
    });

    // Once the mail server accepted it, an error recording it must not make it a failed notice
    // (nor, with attempts left, a second email).
    it('records a notice the mail server accepted as sent, retrying the write until it commits', async () => {
      const { service, notices, mailer, pendingNotice } = setup();
      const { notice, job } = pendingNotice();
      notices.breakOnce('finish', new Error('Connection terminated unexpectedly'));

      expect(await service.send(job, FIRST)).toEqual({ result: 'sent' });
      expect(mailer.sent).toHaveLength(1);
      expect(notices.get(notice.id).status).toBe('sent');
    });
  });

  describe('access revoked', () => {
    it("pauses the schedule and records one admins' notice per run, however often it is reported", async () => {
      const { service, notices, executions, schedules, schedulesService, queue } = setup();
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
      const { service, members, mailer, pendingNotice } = setup();
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
      const { service, notices, mailer, pendingNotice } = setup();
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
      { executions }: ReturnType<typeof setup>,
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
      const context = setup();
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
      const context = setup();
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
      const context = setup();
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
      const context = setup();
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
