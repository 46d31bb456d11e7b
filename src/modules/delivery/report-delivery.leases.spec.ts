import { Logger } from '@nestjs/common';
import type { FakeClock } from 'test/utils/fake-clock';
import {
  deferred,
  FIRST,
  LEASE_MS,
  SECOND,
  setupDeliveryService,
  useDeliveryTestTimers,
} from 'test/fakes/report-delivery.harness';
import { PermanentDeliveryError, RetryableDeliveryError } from './delivery.errors';

describe('ReportDeliveryService leases', () => {
  useDeliveryTestTimers();

  describe('a lease lost while the channel was sending', () => {
    // The first attempt's worker stalls past its lease (no heartbeat fires: the timers do not
    // move), and a second attempt takes the row over while the first is still sending.

    it('does not let the stale attempt record sent over the new outcome', async () => {
      const { service, clock, deliveries, channels, notices, pendingDelivery } =
        setupDeliveryService();
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
      const { service, clock, deliveries, contexts, channels, pendingDelivery } =
        setupDeliveryService();
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
      const { service, clock, deliveries, channels, notices, pendingDelivery } =
        setupDeliveryService();
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
      const { service, clock, deliveries, channels, pendingDelivery } = setupDeliveryService();
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
      const { service, clock, deliveries, channels, pendingDelivery } = setupDeliveryService({
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
      const { service, channels, pendingDelivery } = setupDeliveryService();
      const { job } = pendingDelivery();
      channels.email.behaviour = async () => {
        throw new Error('ECONNREFUSED');
      };

      await expect(service.deliver(job, FIRST)).rejects.toThrow('ECONNREFUSED');

      expect(jest.getTimerCount()).toBe(0);
    });

    it('still sends when a renewal fails', async () => {
      const { service, clock, deliveries, channels, pendingDelivery } = setupDeliveryService();
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
});
