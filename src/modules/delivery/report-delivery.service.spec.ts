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
import type { ReportDelivery } from './entities/report-delivery.entity';

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
});
