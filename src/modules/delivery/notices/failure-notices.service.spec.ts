import { randomUUID } from 'node:crypto';
import type { Member } from 'src/modules/organizations/entities/member.entity';
import { newOrganization, ORG } from 'test/fakes/delivery.fakes';
import { FIRST, LAST, setupFailureNotices } from 'test/fakes/failure-notices.harness';
import { PermanentDeliveryError, RetryableDeliveryError } from '../delivery.errors';

describe('FailureNoticesService', () => {
  describe('send', () => {
    it("mails the schedule's creator about the failure and records the notice sent", async () => {
      const { service, notices, organizations, mailer, pendingNotice } = setupFailureNotices();
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
      const { service, notices, mailer, pendingNotice } = setupFailureNotices();
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

    it('names the schedule and zone its run was claimed with, not an edit made since', async () => {
      const { service, mailer, pendingNotice } = setupFailureNotices();
      const { job } = pendingNotice(
        {},
        {
          schedule: { name: 'Renamed since' },
          run: {
            config_snapshot: {
              name: 'Weekly invoices',
              report_type: 'invoice_summary',
              report_parameters: {},
              output_format: 'csv',
              timezone: 'Europe/Berlin',
              recipients: [],
              delivery_options: {},
            },
          },
        },
      );

      await service.send(job, FIRST);

      expect(mailer.sent[0]).toMatchObject({
        scheduleName: 'Weekly invoices',
        timezone: 'Europe/Berlin',
      });
    });

    it('still notices the creator of a schedule deleted since', async () => {
      const { service, mailer, pendingNotice } = setupFailureNotices();
      const { job } = pendingNotice({}, { schedule: { deleted_at: new Date() } });

      expect(await service.send(job, FIRST)).toEqual({ result: 'sent' });
      expect(mailer.sent).toHaveLength(1);
    });
  });

  describe('a notice that must not be sent', () => {
    it.each(['sent', 'failed', 'skipped'] as const)(
      'leaves an already %s notice alone',
      async (status) => {
        const { service, notices, mailer, pendingNotice } = setupFailureNotices();
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
      const { service, notices, mailer, pendingNotice } = setupFailureNotices();
      const { notice, job } = pendingNotice({}, { creator });
      const reason = "the schedule's creator is no longer an active member with an email address";

      expect(await service.send(job, FIRST)).toEqual({ result: 'skipped', reason });
      expect(mailer.sent).toHaveLength(0);
      expect(notices.get(notice.id)).toMatchObject({ status: 'skipped', error_message: reason });
    });

    it.each(['execution', 'schedule'])('skips it when its %s no longer exists', async (gone) => {
      const { service, notices, executions, schedules, mailer, pendingNotice } =
        setupFailureNotices();
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
      const { service, mailer, pendingNotice } = setupFailureNotices();
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
      const { service, notices, mailer, pendingNotice } = setupFailureNotices();
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
      const { service, notices, mailer, pendingNotice } = setupFailureNotices();
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
      const { service, notices, mailer, pendingNotice } = setupFailureNotices();
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
      const { service, notices, mailer, pendingNotice } = setupFailureNotices();
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
      const { service, notices, mailer, pendingNotice } = setupFailureNotices();
      const { notice, job } = pendingNotice();
      notices.breakOnce('finish', new Error('Connection terminated unexpectedly'));

      expect(await service.send(job, FIRST)).toEqual({ result: 'sent' });
      expect(mailer.sent).toHaveLength(1);
      expect(notices.get(notice.id).status).toBe('sent');
    });
  });
});
