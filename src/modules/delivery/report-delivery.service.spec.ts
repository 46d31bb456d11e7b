import { Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { RecipientType } from 'src/domain/vocabulary';
import type { ExecutionsRepository } from 'src/modules/executions/executions.repository';
import type { ReportExecution } from 'src/modules/executions/entities/report-execution.entity';
import type { MembersRepository } from 'src/modules/organizations/members.repository';
import type { OrganizationsService } from 'src/modules/organizations/organizations.service';
import type { ScheduledReport } from 'src/modules/schedules/entities/scheduled-report.entity';
import type { SchedulesRepository } from 'src/modules/schedules/schedules.repository';
import type { ScheduleAccessPolicy } from 'src/modules/schedules/schedule-access.policy';
import type { EmailBudget } from 'src/modules/rate-limits/email-budget';
import type { JobAttempt } from 'src/queue/job-attempt';
import {
  deliveryConfig,
  fakeChannels,
  FakeContextFactory,
  FakeDeliveriesRepository,
  FakeEmailBudget,
  FakeExecutions,
  FakeFailureNotices,
  FakeMembers,
  FakeOrganizations,
  FakeSchedules,
  FakeUnsubscribes,
  ORG,
} from 'test/fakes/delivery.fakes';
import { FakeAccessPolicy } from 'test/fakes/execution.fakes';
import { FakeClock } from 'test/utils/fake-clock';
import type { DeliveryContextFactory } from './delivery-context.factory';
import { PermanentDeliveryError, RetryableDeliveryError } from './delivery.errors';
import type { DeliveriesRepository } from './deliveries.repository';
import type { ReportDelivery } from './entities/report-delivery.entity';
import type { FailureNoticesService } from './notices/failure-notices.service';
import { ReportDeliveryService } from './report-delivery.service';
import type { UnsubscribeService } from './unsubscribe/unsubscribe.service';

const FIRST: JobAttempt = { number: 1, max: 3 };
const SECOND: JobAttempt = { number: 2, max: 3 };
const LAST: JobAttempt = { number: 3, max: 3 };
const LEASE_MS = 30_000;
/**
 * The heartbeat's setInterval runs on fake timers in every test: it fires only when a test moves
 * them (with the clock), and a test that fails mid-send leaves no live interval behind. Date and
 * the microtask queue stay real.
 */
const FAKE_TIMERS: Parameters<typeof jest.useFakeTimers>[0] = {
  doNotFake: ['Date', 'nextTick', 'queueMicrotask', 'setImmediate', 'clearImmediate'],
};

function setup(config: { lockDurationMs?: number } = {}) {
  const clock = new FakeClock(new Date('2026-12-07T14:01:00Z'));
  const executions = new FakeExecutions();
  const deliveries = new FakeDeliveriesRepository(clock, executions);
  const schedules = new FakeSchedules();
  const organizations = new FakeOrganizations();
  const members = new FakeMembers();
  const unsubscribes = new FakeUnsubscribes();
  const contexts = new FakeContextFactory(deliveries);
  const notices = new FakeFailureNotices();
  const access = new FakeAccessPolicy();
  const emailBudget = new FakeEmailBudget();
  const channels = fakeChannels();
  const service = new ReportDeliveryService(
    deliveries as unknown as DeliveriesRepository,
    executions as unknown as ExecutionsRepository,
    schedules as unknown as SchedulesRepository,
    access as unknown as ScheduleAccessPolicy,
    emailBudget as unknown as EmailBudget,
    organizations as unknown as OrganizationsService,
    members as unknown as MembersRepository,
    unsubscribes as unknown as UnsubscribeService,
    contexts as unknown as DeliveryContextFactory,
    notices as unknown as FailureNoticesService,
    deliveryConfig(config),
    channels,
  );
  /** A pending delivery (to eve@example.com unless said otherwise) of a completed run. */
  const pendingDelivery = (
    delivery: Partial<ReportDelivery> = {},
    run: Partial<ReportExecution> = {},
    schedule: Partial<ScheduledReport> = {},
  ) => {
    const s = schedules.add(schedule);
    const e = executions.add({ scheduled_report_id: s.id, ...run });
    const d = deliveries.add({ report_execution_id: e.id, ...delivery });
    return { schedule: s, execution: e, delivery: d, job: { deliveryId: d.id, orgId: ORG } };
  };
  /** Calls to any channel, whichever type. */
  const sends = () => Object.values(channels).flatMap((c) => c.sent);
  return {
    service,
    clock,
    deliveries,
    executions,
    schedules,
    members,
    unsubscribes,
    contexts,
    notices,
    access,
    emailBudget,
    channels,
    pendingDelivery,
    sends,
  };
}

/** A promise and the function that settles it, for a send the test finishes when it chooses. */
function deferred<T = void>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

describe('ReportDeliveryService', () => {
  beforeEach(() => {
    jest.useFakeTimers(FAKE_TIMERS);
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
  });
  afterEach(() => {
    jest.useRealTimers();
    jest.restoreAllMocks();
  });

  describe('a pending delivery', () => {
    it('is claimed under a lease while its channel sends, then recorded sent', async () => {
      const { service, clock, deliveries, channels, pendingDelivery } = setup();
      const { delivery, job } = pendingDelivery();
      let during: ReportDelivery | undefined;
      channels.email.behaviour = async () => {
        during = { ...deliveries.get(delivery.id) };
        return { metadata: { message_id: '<m-1@reports.example>' } };
      };

      expect(await service.deliver(job, FIRST)).toEqual({ result: 'sent' });

      expect(during).toMatchObject({
        status: 'pending',
        attempts: 1,
        lease_id: expect.any(String),
        leased_until: new Date(clock.now().getTime() + LEASE_MS),
      });
      expect(deliveries.get(delivery.id)).toMatchObject({
        status: 'sent',
        delivered_at: clock.now(),
        error_message: null,
        lease_id: null,
        leased_until: null,
        metadata: { message_id: '<m-1@reports.example>' },
      });
    });

    it('builds the context from the rows and the channel, and hands exactly that to the channel', async () => {
      const { service, contexts, channels, pendingDelivery, deliveries } = setup();
      const { delivery, execution, schedule, job } = pendingDelivery();
      let leaseId: string | null = null;
      channels.email.behaviour = async () => {
        leaseId = deliveries.get(delivery.id).lease_id;
        return {};
      };

      await service.deliver(job, SECOND);

      expect(contexts.built).toHaveLength(1);
      const [{ parts, channel, context }] = contexts.built;
      expect(parts).toMatchObject({
        delivery: { id: delivery.id, recipient_type: 'email', recipient_value: 'eve@example.com' },
        leaseId,
        attempt: 2,
        organization: { id: ORG },
        schedule: { id: schedule.id },
        execution: { id: execution.id },
        email: 'eve@example.com',
      });
      expect(channel).toBe(channels.email);
      expect(channels.email.sent).toEqual([context]);
      expect(channels.email.sent[0]).toBe(context);
    });

    it('keeps what the row already held when it merges the channel metadata', async () => {
      const { service, deliveries, pendingDelivery } = setup();
      const { delivery, job } = pendingDelivery({ metadata: { slack_channel_id: 'C042' } });

      await service.deliver(job, FIRST);

      expect(deliveries.get(delivery.id).metadata).toEqual({
        slack_channel_id: 'C042',
        message_id: `<${delivery.id}@reports.example>`,
      });
    });

    it.each<[RecipientType, string]>([
      ['email', 'eve@example.com'],
      ['slack_channel', '#finance'],
      ['webhook', 'https://hooks.example/reports'],
      ['user_id', 'u-mia'],
    ])(
      'goes through the channel registered for %s recipients, and only that one',
      async (type, value) => {
        const { service, members, channels, pendingDelivery, sends } = setup();
        members.add({ user_id: 'u-mia', email: 'mia@example.com' });
        const { job } = pendingDelivery({ recipient_type: type, recipient_value: value });

        expect(await service.deliver(job, FIRST)).toEqual({ result: 'sent' });

        expect(channels[type].sent).toHaveLength(1);
        expect(sends()).toHaveLength(1);
      },
    );

    it("mails a user_id member at the member's current address, under the member's name", async () => {
      const { service, members, contexts, channels, pendingDelivery } = setup();
      members.add({ user_id: 'u-mia', email: 'mia.new@example.com', name: 'Mia Müller' });
      const { job } = pendingDelivery({ recipient_type: 'user_id', recipient_value: 'u-mia' });

      await service.deliver(job, FIRST);

      expect(contexts.built[0].parts).toMatchObject({
        email: 'mia.new@example.com',
        memberName: 'Mia Müller',
      });
      expect(channels.user_id.sent[0].recipient).toMatchObject({
        value: 'u-mia',
        email: 'mia.new@example.com',
        name: 'Mia Müller',
      });
    });

    it.each<[RecipientType, string]>([
      ['slack_channel', '#ops'],
      ['webhook', 'https://hooks.example/reports'],
    ])('passes no address for a %s recipient', async (type, value) => {
      const { service, contexts, pendingDelivery } = setup();
      const { job } = pendingDelivery({ recipient_type: type, recipient_value: value });

      await service.deliver(job, FIRST);

      expect(contexts.built[0].parts.email).toBeUndefined();
    });
  });

  describe('a delivery that is not pending', () => {
    it.each(['sent', 'failed', 'bounced', 'skipped'] as const)(
      'returns "already %s" and never calls a channel',
      async (status) => {
        const { service, deliveries, pendingDelivery, sends } = setup();
        const { delivery, job } = pendingDelivery({ status });
        const before = { ...deliveries.get(delivery.id) };

        expect(await service.deliver(job, FIRST)).toEqual({
          result: 'skipped',
          reason: `already ${status}`,
        });
        expect(sends()).toHaveLength(0);
        expect(deliveries.get(delivery.id)).toEqual(before);
      },
    );

    it("says not found for a missing row, or another organization's", async () => {
      const { service, pendingDelivery, sends } = setup();
      const { job } = pendingDelivery();

      expect(await service.deliver({ ...job, deliveryId: randomUUID() }, FIRST)).toEqual({
        result: 'skipped',
        reason: 'not found',
      });
      expect(await service.deliver({ ...job, orgId: randomUUID() }, FIRST)).toEqual({
        result: 'skipped',
        reason: 'not found',
      });
      expect(sends()).toHaveLength(0);
    });
  });

  describe('a delivery leased by another attempt', () => {
    it('is left to a live attempt: a retryable error that waits one lease length', async () => {
      const { service, clock, deliveries, pendingDelivery, sends } = setup({
        lockDurationMs: 12_000,
      });
      const otherLease = randomUUID();
      const leasedUntil = new Date(clock.now().getTime() + 5_000);
      const { delivery, job } = pendingDelivery({
        lease_id: otherLease,
        leased_until: leasedUntil,
        attempts: 1,
      });

      const error = await service.deliver(job, SECOND).catch((e: unknown) => e);

      expect(error).toBeInstanceOf(RetryableDeliveryError);
      expect(error).toMatchObject({ retryAfterMs: 12_000 });
      expect(sends()).toHaveLength(0);
      expect(deliveries.get(delivery.id)).toMatchObject({
        status: 'pending',
        attempts: 1,
        lease_id: otherLease,
        leased_until: leasedUntil,
      });
    });

    it("is taken over once a crashed attempt's lease has run out, and sent", async () => {
      const { service, clock, deliveries, contexts, pendingDelivery } = setup();
      const crashedLease = randomUUID();
      const { delivery, job } = pendingDelivery({
        lease_id: crashedLease,
        leased_until: new Date(clock.now().getTime() + LEASE_MS),
        attempts: 1,
      });
      await expect(service.deliver(job, SECOND)).rejects.toBeInstanceOf(RetryableDeliveryError);

      clock.advance(LEASE_MS + 1);

      expect(await service.deliver(job, SECOND)).toEqual({ result: 'sent' });
      expect(contexts.built[0].parts.leaseId).not.toBe(crashedLease);
      expect(deliveries.get(delivery.id)).toMatchObject({ status: 'sent', attempts: 2 });
    });
  });

  describe('a lease lost while the channel was sending', () => {
    // The first attempt's worker stalls past its lease (no heartbeat fires: the timers do not
    // move), and a second attempt takes the row over while the first is still sending.

    it('does not let the stale attempt record sent over the new outcome', async () => {
      const { service, clock, deliveries, channels, notices, pendingDelivery } = setup();
      const { delivery, job } = pendingDelivery();
      channels.email.behaviour = async () => {
        clock.advance(LEASE_MS + 1);
        channels.email.behaviour = async () => {
          throw new PermanentDeliveryError('550 5.1.1 mailbox unavailable', 'bounced');
        };
        expect(await service.deliver(job, SECOND)).toMatchObject({ result: 'bounced' });
        return { metadata: { message_id: '<stale@reports.example>' } };
      };

      await service.deliver(job, FIRST);

      const row = deliveries.get(delivery.id);
      expect(row).toMatchObject({
        status: 'bounced',
        error_message: '550 5.1.1 mailbox unavailable',
        delivered_at: null,
      });
      expect(row.metadata).not.toHaveProperty('message_id');
      expect(notices.deliveryFailures).toHaveLength(1);
      expect(Logger.prototype.error).toHaveBeenCalledWith(
        expect.stringContaining('its lease was lost before it was recorded'),
      );
    });

    it("does not release the new holder's lease when the stale attempt fails transiently", async () => {
      const { service, clock, deliveries, contexts, channels, pendingDelivery } = setup();
      const { delivery, job } = pendingDelivery();
      const secondSending = deferred();
      const finishSecond = deferred<{ metadata: Record<string, unknown> }>();
      let second: Promise<unknown> | undefined;
      channels.email.behaviour = async () => {
        clock.advance(LEASE_MS + 1);
        channels.email.behaviour = () => {
          secondSending.resolve();
          return finishSecond.promise;
        };
        second = service.deliver(job, SECOND);
        await secondSending.promise;
        throw new Error('socket hang up');
      };

      await expect(service.deliver(job, FIRST)).rejects.toThrow('socket hang up');

      const secondLease = contexts.built[1].parts.leaseId;
      expect(deliveries.get(delivery.id)).toMatchObject({
        status: 'pending',
        lease_id: secondLease,
        leased_until: new Date(clock.now().getTime() + LEASE_MS),
        error_message: null,
      });
      finishSecond.resolve({ metadata: { message_id: '<second@reports.example>' } });
      expect(await second).toEqual({ result: 'sent' });
      expect(deliveries.get(delivery.id)).toMatchObject({
        status: 'sent',
        metadata: { message_id: '<second@reports.example>' },
      });
    });

    it('neither fails the row nor sends a notice when the stale attempt fails for good', async () => {
      const { service, clock, deliveries, channels, notices, pendingDelivery } = setup();
      const { delivery, job } = pendingDelivery();
      channels.email.behaviour = async () => {
        clock.advance(LEASE_MS + 1);
        channels.email.behaviour = async () => ({});
        expect(await service.deliver(job, SECOND)).toEqual({ result: 'sent' });
        throw new PermanentDeliveryError('550 5.7.1 relay denied');
      };

      expect(await service.deliver(job, FIRST)).toEqual({
        result: 'skipped',
        reason: 'another attempt took this delivery over',
      });
      expect(deliveries.get(delivery.id)).toMatchObject({ status: 'sent', error_message: null });
      expect(notices.deliveryFailures).toHaveLength(0);
    });
  });

  describe('the lease heartbeat', () => {
    /** Moves the clock and the interval timers together, in steps of `step`. */
    async function tick(clock: FakeClock, ms: number, step = 1_000) {
      for (let t = 0; t < ms; t += step) {
        clock.advance(step);
        await jest.advanceTimersByTimeAsync(step);
      }
    }

    it('renews the lease every third of the lock duration while a slow send runs', async () => {
      const { service, clock, deliveries, channels, pendingDelivery } = setup();
      const { delivery, job } = pendingDelivery();
      const sending = deferred();
      const finish = deferred<{ metadata?: Record<string, unknown> }>();
      channels.email.behaviour = () => {
        sending.resolve();
        return finish.promise;
      };
      const leasedAt = clock.now().getTime();
      const first = service.deliver(job, FIRST);
      await sending.promise;

      await tick(clock, 9_000);
      expect(deliveries.get(delivery.id).leased_until).toEqual(new Date(leasedAt + LEASE_MS));
      await tick(clock, 1_000);
      expect(deliveries.get(delivery.id).leased_until).toEqual(
        new Date(leasedAt + 10_000 + LEASE_MS),
      );
      await tick(clock, 25_000); // 35 s in: past the first lease, renewed at 20 s and 30 s
      expect(deliveries.get(delivery.id).leased_until).toEqual(
        new Date(leasedAt + 30_000 + LEASE_MS),
      );

      // Another attempt now finds the row still held, as long as this one is alive.
      await expect(service.deliver(job, SECOND)).rejects.toBeInstanceOf(RetryableDeliveryError);

      finish.resolve({});
      expect(await first).toEqual({ result: 'sent' });
    });

    it('stops renewing once the attempt is over', async () => {
      const { service, clock, deliveries, channels, pendingDelivery } = setup({
        lockDurationMs: 3_000,
      });
      const { job } = pendingDelivery();
      const renew = jest.spyOn(deliveries, 'claimRenew');
      const sending = deferred();
      const finish = deferred<{ metadata?: Record<string, unknown> }>();
      channels.email.behaviour = () => {
        sending.resolve();
        return finish.promise;
      };
      const first = service.deliver(job, FIRST);
      await sending.promise;
      await tick(clock, 3_000);
      expect(renew).toHaveBeenCalledTimes(3);

      finish.resolve({});
      await first;
      await tick(clock, 30_000);

      expect(renew).toHaveBeenCalledTimes(3);
      expect(jest.getTimerCount()).toBe(0);
    });

    it('stops renewing after an attempt that failed and will be retried', async () => {
      const { service, channels, pendingDelivery } = setup();
      const { job } = pendingDelivery();
      channels.email.behaviour = async () => {
        throw new Error('ECONNREFUSED');
      };

      await expect(service.deliver(job, FIRST)).rejects.toThrow('ECONNREFUSED');

      expect(jest.getTimerCount()).toBe(0);
    });

    it('still sends when a renewal fails', async () => {
      const { service, clock, deliveries, channels, pendingDelivery } = setup();
      const { delivery, job } = pendingDelivery();
      const renew = jest.spyOn(deliveries, 'claimRenew');
      const sending = deferred();
      const finish = deferred<{ metadata?: Record<string, unknown> }>();
      channels.email.behaviour = () => {
        sending.resolve();
        return finish.promise;
      };
      const first = service.deliver(job, FIRST);
      await sending.promise;
      deliveries.breakOnce('claimRenew');

      await tick(clock, 10_000);
      expect(renew).toHaveBeenCalledTimes(1);
      finish.resolve({});

      expect(await first).toEqual({ result: 'sent' });
      expect(deliveries.get(delivery.id).status).toBe('sent');
    });
  });

  describe('skipped before sending', () => {
    it('skips a recipient who unsubscribed from the schedule', async () => {
      const { service, deliveries, unsubscribes, notices, pendingDelivery, sends } = setup();
      const { delivery, schedule, job } = pendingDelivery();
      unsubscribes.unsubscribe({
        orgId: ORG,
        scheduleId: schedule.id,
        recipientType: 'email',
        recipientValue: 'eve@example.com',
      });

      expect(await service.deliver(job, FIRST)).toEqual({
        result: 'skipped',
        reason: 'unsubscribed',
      });
      expect(deliveries.get(delivery.id)).toMatchObject({
        status: 'skipped',
        error_message: 'the recipient unsubscribed from this schedule',
        metadata: { reason: 'unsubscribed' },
        lease_id: null,
      });
      expect(sends()).toHaveLength(0);
      expect(notices.deliveryFailures).toHaveLength(0);
    });

    it('still sends to a recipient who unsubscribed from another schedule only', async () => {
      const { service, unsubscribes, pendingDelivery } = setup();
      const { job } = pendingDelivery();
      unsubscribes.unsubscribe({
        orgId: ORG,
        scheduleId: randomUUID(),
        recipientType: 'email',
        recipientValue: 'eve@example.com',
      });

      expect(await service.deliver(job, FIRST)).toEqual({ result: 'sent' });
    });

    it.each([
      ['soft-deleted', true],
      ['gone', false],
    ])('skips the delivery of a schedule that is %s', async (_label, softDeleted) => {
      const { service, deliveries, schedules, pendingDelivery, sends } = setup();
      const { delivery, schedule, job } = pendingDelivery({}, {}, { deleted_at: new Date() });
      if (!softDeleted) schedules.rows.delete(schedule.id);

      expect(await service.deliver(job, FIRST)).toEqual({
        result: 'skipped',
        reason: 'schedule_deleted',
      });
      expect(deliveries.get(delivery.id)).toMatchObject({
        status: 'skipped',
        error_message: 'the schedule was deleted before delivery',
        metadata: { reason: 'schedule_deleted' },
      });
      expect(sends()).toHaveLength(0);
    });

    it.each([
      ['removed from the organization', null, 'member_removed', 'the member left the organization'],
      ['deactivated', { is_active: false }, 'member_inactive', 'the member is deactivated'],
      [
        'without an email address',
        { email: null },
        'member_no_email',
        'the member has no email address',
      ],
    ])('skips a user_id member %s', async (_label, member, reason, message) => {
      const { service, deliveries, members, notices, pendingDelivery, sends } = setup();
      if (member) members.add({ user_id: 'u-mia', ...member });
      const { delivery, job } = pendingDelivery({
        recipient_type: 'user_id',
        recipient_value: 'u-mia',
      });

      expect(await service.deliver(job, FIRST)).toEqual({ result: 'skipped', reason });
      expect(deliveries.get(delivery.id)).toMatchObject({
        status: 'skipped',
        error_message: message,
        metadata: { reason },
      });
      expect(sends()).toHaveLength(0);
      expect(notices.deliveryFailures).toHaveLength(0);
    });
  });

  describe('permanent failures', () => {
    it.each<[string, Partial<ReportExecution> | null, string]>([
      [
        'a failed run',
        { status: 'failed', file_key: null },
        'the execution has no report file to deliver',
      ],
      ['a run without a file', { file_key: null }, 'the execution has no report file to deliver'],
      ['a run that no longer exists', null, 'the execution has no report file to deliver'],
      [
        'a file deleted by retention',
        { file_expired_at: new Date('2027-01-06T00:00:00Z') },
        'the report file was deleted by the retention policy',
      ],
    ])(
      'fails the delivery of %s at once, with attempts left, and notices it once',
      async (_label, run, message) => {
        const { service, deliveries, executions, notices, pendingDelivery, sends } = setup();
        const { delivery, execution, job } = pendingDelivery({}, run ?? {});
        if (!run) executions.rows.delete(execution.id);

        expect(await service.deliver(job, FIRST)).toEqual({ result: 'failed', reason: message });
        expect(deliveries.get(delivery.id)).toMatchObject({
          status: 'failed',
          error_message: message,
          lease_id: null,
          leased_until: null,
        });
        expect(sends()).toHaveLength(0);
        expect(notices.deliveryFailures).toEqual([{ orgId: ORG, executionId: execution.id }]);
      },
    );

    it('fails at once when the channel says trying again cannot help', async () => {
      const { service, deliveries, channels, notices, pendingDelivery } = setup();
      const { delivery, execution, job } = pendingDelivery({
        recipient_type: 'slack_channel',
        recipient_value: '#gone',
      });
      channels.slack_channel.behaviour = async () => {
        throw new PermanentDeliveryError('channel_not_found');
      };

      expect(await service.deliver(job, FIRST)).toEqual({
        result: 'failed',
        reason: 'channel_not_found',
      });
      expect(deliveries.get(delivery.id)).toMatchObject({
        status: 'failed',
        error_message: 'channel_not_found',
      });
      expect(notices.deliveryFailures).toEqual([{ orgId: ORG, executionId: execution.id }]);
    });

    it('records a refused address as bounced, and notices it', async () => {
      const { service, deliveries, channels, notices, pendingDelivery } = setup();
      const { delivery, execution, job } = pendingDelivery();
      channels.email.behaviour = async () => {
        throw new PermanentDeliveryError('550 5.1.1 no such user', 'bounced');
      };

      expect(await service.deliver(job, FIRST)).toEqual({
        result: 'bounced',
        reason: '550 5.1.1 no such user',
      });
      expect(deliveries.get(delivery.id)).toMatchObject({
        status: 'bounced',
        error_message: '550 5.1.1 no such user',
        delivered_at: null,
        lease_id: null,
      });
      expect(notices.deliveryFailures).toEqual([{ orgId: ORG, executionId: execution.id }]);
    });
  });

  describe('transient failures', () => {
    it.each([
      ['a retryable error', new RetryableDeliveryError('421 4.7.0 try again later', 60_000)],
      ['any other error', new Error('connect ECONNREFUSED 10.0.0.5:587')],
    ])(
      'releases the lease and rethrows %s for Bull while attempts remain, without a notice',
      async (_label, thrown) => {
        const { service, deliveries, channels, notices, pendingDelivery } = setup();
        const { delivery, job } = pendingDelivery();
        channels.email.behaviour = async () => {
          throw thrown;
        };

        await expect(service.deliver(job, SECOND)).rejects.toBe(thrown);

        expect(deliveries.get(delivery.id)).toMatchObject({
          status: 'pending',
          lease_id: null,
          leased_until: null,
          error_message: `attempt 2 failed, will retry: ${thrown.message}`,
        });
        expect(notices.deliveryFailures).toHaveLength(0);
      },
    );

    it('lets the retry claim the row at once (the lease was released, not left to run out)', async () => {
      const { service, deliveries, channels, pendingDelivery } = setup();
      const { delivery, job } = pendingDelivery();
      channels.email.behaviour = async () => {
        channels.email.behaviour = async () => ({});
        throw new Error('ETIMEDOUT');
      };
      await expect(service.deliver(job, FIRST)).rejects.toThrow('ETIMEDOUT');

      expect(await service.deliver(job, SECOND)).toEqual({ result: 'sent' });
      expect(deliveries.get(delivery.id)).toMatchObject({ status: 'sent', attempts: 2 });
    });

    it('gives up on the last attempt: failed, with how many attempts were made, and a notice', async () => {
      const { service, deliveries, channels, notices, pendingDelivery } = setup();
      const { delivery, execution, job } = pendingDelivery();
      channels.email.behaviour = async () => {
        throw new RetryableDeliveryError('421 4.7.0 try again later');
      };

      expect(await service.deliver(job, LAST)).toEqual({
        result: 'failed',
        reason: 'gave up after 3 attempts: 421 4.7.0 try again later',
      });
      expect(deliveries.get(delivery.id)).toMatchObject({
        status: 'failed',
        error_message: 'gave up after 3 attempts: 421 4.7.0 try again later',
        lease_id: null,
      });
      expect(notices.deliveryFailures).toEqual([{ orgId: ORG, executionId: execution.id }]);
    });

    it('gives up on a single-attempt job at once', async () => {
      const { service, deliveries, channels, pendingDelivery } = setup();
      const { delivery, job } = pendingDelivery();
      channels.email.behaviour = async () => {
        throw new Error('socket hang up');
      };

      expect(await service.deliver(job, { number: 1, max: 1 })).toEqual({
        result: 'failed',
        reason: 'gave up after 1 attempts: socket hang up',
      });
      expect(deliveries.get(delivery.id).status).toBe('failed');
    });

    it('hands what an attempt remembered to the next attempt', async () => {
      const { service, channels, pendingDelivery } = setup();
      const { job } = pendingDelivery({ recipient_type: 'slack_channel', recipient_value: '#ops' });
      channels.slack_channel.behaviour = async (context) => {
        await context.remember({ slack_channel_id: 'C042' });
        channels.slack_channel.behaviour = async () => ({});
        throw new RetryableDeliveryError('ratelimited', 1_000);
      };
      await expect(service.deliver(job, FIRST)).rejects.toThrow('ratelimited');

      await service.deliver(job, SECOND);

      expect(channels.slack_channel.sent.map((c) => c.memory)).toEqual([
        {},
        { slack_channel_id: 'C042' },
      ]);
    });

    // Once the peer accepted, an error recording it is the database's: counting it as a failed
    // send would report (or resend) a delivery the recipient already has.
    it('records a delivery the peer accepted as sent, retrying the write until it commits', async () => {
      const { service, deliveries, notices, pendingDelivery, sends } = setup();
      const { delivery, job } = pendingDelivery();
      deliveries.breakOnce('markSent', new Error('Connection terminated unexpectedly'));

      const outcome = service.deliver(job, LAST);
      await jest.advanceTimersByTimeAsync(100);

      expect(await outcome).toEqual({ result: 'sent' });
      expect(sends()).toHaveLength(1);
      expect(deliveries.get(delivery.id).status).toBe('sent');
      expect(notices.deliveryFailures).toHaveLength(0);
    });
  });

  describe('access checked again at delivery', () => {
    it('skips every delivery once the creator lost the right to the report, and says so once per run', async () => {
      const { service, deliveries, access, notices, pendingDelivery, sends } = setup();
      const { delivery, execution, job } = pendingDelivery();
      access.creator = 'its creator u-owner no longer holds the billing:read permission';

      expect(await service.deliver(job, FIRST)).toEqual({
        result: 'skipped',
        reason: 'access_revoked',
      });
      expect(sends()).toHaveLength(0);
      expect(deliveries.get(delivery.id)).toMatchObject({
        status: 'skipped',
        error_message:
          'not delivered: its creator u-owner no longer holds the billing:read permission',
        metadata: expect.objectContaining({ reason: 'access_revoked' }),
      });
      expect(notices.accessRevocations).toEqual([
        { orgId: ORG, executionId: execution.id, reason: access.creator },
      ]);
    });

    it('skips a recipient the organization no longer allows, and sends to the others', async () => {
      const { service, deliveries, access, notices, pendingDelivery, sends } = setup();
      const allowed = pendingDelivery();
      const removed = pendingDelivery({ recipient_value: 'ann@partner.example' });
      access.recipients.set('ann@partner.example', 'is not in an allowed email domain');

      expect(await service.deliver(removed.job, FIRST)).toEqual({
        result: 'skipped',
        reason: 'access_revoked',
      });
      expect(await service.deliver(allowed.job, FIRST)).toEqual({ result: 'sent' });
      expect(sends()).toHaveLength(1);
      expect(deliveries.get(removed.delivery.id).error_message).toBe(
        "not delivered: recipient email 'ann@partner.example' is not in an allowed email domain",
      );
      expect(notices.accessRevocations).toHaveLength(1);
    });
  });

  describe('the daily email budget', () => {
    it('fails an email past the budget for good, without sending, and tells the creator', async () => {
      const { service, deliveries, emailBudget, notices, pendingDelivery, sends } = setup();
      const first = pendingDelivery();
      const second = pendingDelivery({ recipient_value: 'bo@example.com' });
      emailBudget.left = 1;

      expect(await service.deliver(first.job, FIRST)).toEqual({ result: 'sent' });
      const outcome = await service.deliver(second.job, FIRST);

      expect(outcome).toMatchObject({ result: 'failed' });
      expect(deliveries.get(second.delivery.id).error_message).toContain(
        'daily budget of 10000 report emails is used up',
      );
      expect(sends()).toHaveLength(1);
      expect(notices.deliveryFailures).toEqual([{ orgId: ORG, executionId: second.execution.id }]);
    });

    it('spends nothing on channels that are not email', async () => {
      const { service, emailBudget, pendingDelivery } = setup();
      const { job } = pendingDelivery({
        recipient_type: 'webhook',
        recipient_value: 'https://h.example/x',
      });
      emailBudget.left = 0;

      expect(await service.deliver(job, FIRST)).toEqual({ result: 'sent' });
      expect(emailBudget.spent.size).toBe(0);
    });
  });
});
