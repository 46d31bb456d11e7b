import { randomUUID } from 'node:crypto';
import { ORG } from 'test/fakes/delivery.fakes';
import {
  deferred,
  FIRST,
  LAST,
  LEASE_MS,
  SECOND,
  setupDeliveryService,
  useDeliveryTestTimers,
} from 'test/fakes/report-delivery.harness';
import type { FakeClock } from 'test/utils/fake-clock';
import { RetryableDeliveryError, UnknownOutcomeError } from './delivery.errors';
import { MAX_LOST_ATTEMPTS } from './report-delivery.service';

/** Moves the clock and the interval timers together, in steps of `step`. */
async function tick(clock: FakeClock, ms: number, step = 1_000) {
  for (let t = 0; t < ms; t += step) {
    clock.advance(step);
    await jest.advanceTimersByTimeAsync(step);
  }
}

describe('ReportDeliveryService with unknown outcomes and lost attempts', () => {
  useDeliveryTestTimers();

  describe('a send that went out without an answer', () => {
    it('is recorded unknown and keeps its lease: no retry sends it before the lease lapses', async () => {
      const { service, clock, deliveries, channels, pendingDelivery, sends } =
        setupDeliveryService();
      const { delivery, job } = pendingDelivery();
      channels.email.behaviour = async () => {
        channels.email.behaviour = async (ctx) => ({ metadata: { message_id: ctx.deliveryId } });
        throw new UnknownOutcomeError('SMTP connection lost without a reply: Timeout');
      };

      const error = await service.deliver(job, FIRST).catch((e: Error) => e);

      expect(error).toBeInstanceOf(RetryableDeliveryError);
      expect((error as RetryableDeliveryError).retryAfterMs).toBe(LEASE_MS);
      expect(deliveries.get(delivery.id)).toMatchObject({
        status: 'unknown',
        lease_id: null,
        leased_until: new Date(clock.now().getTime() + LEASE_MS),
        error_message: 'outcome unknown: SMTP connection lost without a reply: Timeout',
      });
      // A retry that comes early (a duplicate job, a short backoff) is turned away.
      await expect(service.deliver(job, SECOND)).rejects.toThrow(/another attempt/);
      expect(sends()).toHaveLength(1);

      clock.advance(LEASE_MS + 1);
      expect(await service.deliver(job, SECOND)).toEqual({ result: 'sent' });
      // The resend is the same delivery, so the same Message-ID / X-Event-Id.
      expect(sends().map((ctx) => ctx.deliveryId)).toEqual([delivery.id, delivery.id]);
      expect(deliveries.get(delivery.id)).toMatchObject({
        status: 'sent',
        error_message: null,
        metadata: { message_id: delivery.id },
      });
      expect(deliveries.get(delivery.id).metadata).not.toHaveProperty('lost_attempts');
    });

    it('fails on the last attempt, saying the recipient may have it, and notices it', async () => {
      const { service, deliveries, channels, notices, pendingDelivery } = setupDeliveryService();
      const { delivery, execution, job } = pendingDelivery();
      channels.email.behaviour = async () => {
        throw new UnknownOutcomeError('webhook receiver did not answer within 5000 ms');
      };

      expect(await service.deliver(job, LAST)).toMatchObject({ result: 'failed' });

      expect(deliveries.get(delivery.id)).toMatchObject({
        status: 'failed',
        lease_id: null,
        error_message:
          "gave up after 3 attempts; the last one's outcome is unknown " +
          '(webhook receiver did not answer within 5000 ms), so the recipient may have it',
      });
      expect(notices.deliveryFailures).toEqual([{ orgId: ORG, executionId: execution.id }]);
    });

    it('keeps the lease while a send the backstop gave up on still runs, and records it sent when it lands', async () => {
      const { service, clock, deliveries, channels, pendingDelivery, sends } =
        setupDeliveryService();
      const { delivery, job } = pendingDelivery();
      const inFlight = deferred<unknown>();
      channels.email.behaviour = async () => {
        throw new UnknownOutcomeError('the SMTP send did not finish within 90 s', inFlight.promise);
      };
      const first = service.deliver(job, FIRST);
      await jest.advanceTimersByTimeAsync(0);
      expect(deliveries.get(delivery.id).status).toBe('unknown');

      await tick(clock, 2 * LEASE_MS);
      // Two lease lengths later the row is still held: no other attempt may send it.
      await expect(service.deliver(job, SECOND)).rejects.toThrow(/another attempt/);

      inFlight.resolve({ messageId: '<late@reports.example>' });
      expect(await first).toEqual({ result: 'sent' });
      expect(deliveries.get(delivery.id)).toMatchObject({
        status: 'sent',
        metadata: { accepted_late: true },
      });
      expect(sends()).toHaveLength(1);
      expect(jest.getTimerCount()).toBe(0);
    });

    it('lets a send the backstop gave up on that then fails go again after the lease', async () => {
      const { service, clock, deliveries, channels, pendingDelivery } = setupDeliveryService();
      const { delivery, job } = pendingDelivery();
      const inFlight = Promise.reject(new Error('Timeout'));
      inFlight.catch(() => undefined);
      channels.email.behaviour = async () => {
        throw new UnknownOutcomeError('the SMTP send did not finish within 90 s', inFlight);
      };

      await expect(service.deliver(job, FIRST)).rejects.toBeInstanceOf(RetryableDeliveryError);

      expect(deliveries.get(delivery.id)).toMatchObject({
        status: 'unknown',
        lease_id: null,
        leased_until: new Date(clock.now().getTime() + LEASE_MS),
      });
    });
  });

  describe('the record of a send the peer accepted', () => {
    it('is retried through a database outage longer than the lease, and the lease is kept meanwhile', async () => {
      const { service, clock, deliveries, pendingDelivery, sends } = setupDeliveryService();
      const { delivery, job } = pendingDelivery();
      const markSent = jest.spyOn(deliveries, 'markSent');
      // Backing off to 5 s, twenty failures take longer than two lease lengths.
      for (let i = 0; i < 20; i += 1) {
        markSent.mockRejectedValueOnce(new Error('Connection terminated unexpectedly'));
      }

      const first = service.deliver(job, FIRST);
      await tick(clock, 2 * LEASE_MS, 500);
      await expect(service.deliver(job, SECOND)).rejects.toThrow(/another attempt/);
      await tick(clock, 30_000, 5_000);

      expect(await first).toEqual({ result: 'sent' });
      expect(sends()).toHaveLength(1);
      expect(deliveries.get(delivery.id)).toMatchObject({ status: 'sent', attempts: 1 });
    });
  });

  describe('attempts that never ended (the worker crashed or was killed)', () => {
    const crashedBefore = (clock: FakeClock, lost: number) => ({
      lease_id: randomUUID(),
      leased_until: new Date(clock.now().getTime() - 1),
      attempts: lost,
      metadata: lost > 1 ? { lost_attempts: lost - 1 } : {},
    });

    it('are counted, and the delivery still goes out below the bound', async () => {
      const { service, clock, deliveries, pendingDelivery, sends } = setupDeliveryService();
      const { delivery, job } = pendingDelivery(crashedBefore(clock, MAX_LOST_ATTEMPTS - 1));

      expect(await service.deliver(job, FIRST)).toEqual({ result: 'sent' });

      expect(sends()).toHaveLength(1);
      expect(deliveries.get(delivery.id).metadata).toMatchObject({
        lost_attempts: MAX_LOST_ATTEMPTS - 1,
      });
    });

    it(`fail the delivery, without sending, once ${MAX_LOST_ATTEMPTS} were lost`, async () => {
      const { service, clock, deliveries, notices, pendingDelivery, sends } =
        setupDeliveryService();
      const { delivery, execution, job } = pendingDelivery(crashedBefore(clock, MAX_LOST_ATTEMPTS));

      expect(await service.deliver(job, FIRST)).toMatchObject({ result: 'failed' });

      expect(sends()).toHaveLength(0);
      expect(deliveries.get(delivery.id)).toMatchObject({
        status: 'failed',
        lease_id: null,
        error_message: `gave up: the worker sending this delivery stopped (crashed or was killed) ${MAX_LOST_ATTEMPTS} times`,
      });
      expect(notices.deliveryFailures).toEqual([{ orgId: ORG, executionId: execution.id }]);
    });

    it('do not count an attempt that ended with a retryable error', async () => {
      const { service, deliveries, channels, pendingDelivery } = setupDeliveryService();
      const { delivery, job } = pendingDelivery();
      channels.email.behaviour = async () => {
        channels.email.behaviour = async () => ({});
        throw new Error('ECONNREFUSED');
      };
      await expect(service.deliver(job, FIRST)).rejects.toThrow('ECONNREFUSED');

      expect(await service.deliver(job, SECOND)).toEqual({ result: 'sent' });
      expect(deliveries.get(delivery.id).metadata).not.toHaveProperty('lost_attempts');
    });
  });
});
