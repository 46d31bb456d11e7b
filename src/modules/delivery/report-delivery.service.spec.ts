import type { ReportDelivery } from './entities/report-delivery.entity';
import { randomUUID } from 'node:crypto';
import type { RecipientType } from 'src/domain/vocabulary';
import { ORG } from 'test/fakes/delivery.fakes';
import {
  FIRST,
  LEASE_MS,
  SECOND,
  setupDeliveryService,
  useDeliveryTestTimers,
} from 'test/fakes/report-delivery.harness';
import { RetryableDeliveryError } from './delivery.errors';

describe('ReportDeliveryService', () => {
  useDeliveryTestTimers();

  describe('a pending delivery', () => {
    it('is claimed under a lease while its channel sends, then recorded sent', async () => {
      const { service, clock, deliveries, channels, pendingDelivery } = setupDeliveryService();
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
      const { service, contexts, channels, pendingDelivery, deliveries } = setupDeliveryService();
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
      const { service, deliveries, pendingDelivery } = setupDeliveryService();
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
        const { service, members, channels, pendingDelivery, sends } = setupDeliveryService();
        members.add({ user_id: 'u-mia', email: 'mia@example.com' });
        const { job } = pendingDelivery({ recipient_type: type, recipient_value: value });

        expect(await service.deliver(job, FIRST)).toEqual({ result: 'sent' });

        expect(channels[type].sent).toHaveLength(1);
        expect(sends()).toHaveLength(1);
      },
    );

    it("mails a user_id member at the member's current address, under the member's name", async () => {
      const { service, members, contexts, channels, pendingDelivery } = setupDeliveryService();
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
      const { service, contexts, pendingDelivery } = setupDeliveryService();
      const { job } = pendingDelivery({ recipient_type: type, recipient_value: value });

      await service.deliver(job, FIRST);

      expect(contexts.built[0].parts.email).toBeUndefined();
    });
  });

  describe('a delivery that is not pending', () => {
    it.each(['sent', 'failed', 'bounced', 'skipped'] as const)(
      'returns "already %s" and never calls a channel',
      async (status) => {
        const { service, deliveries, pendingDelivery, sends } = setupDeliveryService();
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
      const { service, pendingDelivery, sends } = setupDeliveryService();
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
      const { service, clock, deliveries, pendingDelivery, sends } = setupDeliveryService({
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
      const { service, clock, deliveries, contexts, pendingDelivery } = setupDeliveryService();
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

  describe('skipped before sending', () => {
    it('skips a recipient who unsubscribed from the schedule', async () => {
      const { service, deliveries, unsubscribes, notices, pendingDelivery, sends } =
        setupDeliveryService();
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
      const { service, unsubscribes, pendingDelivery } = setupDeliveryService();
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
      const { service, deliveries, schedules, pendingDelivery, sends } = setupDeliveryService();
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
      const { service, deliveries, members, notices, pendingDelivery, sends } =
        setupDeliveryService();
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

  describe('access checked again at delivery', () => {
    it('skips every delivery once the creator lost the right to the report, and says so once per run', async () => {
      const { service, deliveries, access, notices, pendingDelivery, sends } =
        setupDeliveryService();
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
      const { service, deliveries, access, notices, pendingDelivery, sends } =
        setupDeliveryService();
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
      const { service, deliveries, emailBudget, notices, pendingDelivery, sends } =
        setupDeliveryService();
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
      const { service, emailBudget, pendingDelivery } = setupDeliveryService();
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
