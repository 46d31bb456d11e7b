import type { ReportExecution } from 'src/modules/executions/entities/report-execution.entity';
import { ORG } from 'test/fakes/delivery.fakes';
import {
  FIRST,
  LAST,
  SECOND,
  setupDeliveryService,
  useDeliveryTestTimers,
} from 'test/fakes/report-delivery.harness';
import { PermanentDeliveryError, RetryableDeliveryError } from './delivery.errors';

describe('ReportDeliveryService failures', () => {
  useDeliveryTestTimers();

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
        const { service, deliveries, executions, notices, pendingDelivery, sends } =
          setupDeliveryService();
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
      const { service, deliveries, channels, notices, pendingDelivery } = setupDeliveryService();
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
      const { service, deliveries, channels, notices, pendingDelivery } = setupDeliveryService();
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
        const { service, deliveries, channels, notices, pendingDelivery } = setupDeliveryService();
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
      const { service, deliveries, channels, pendingDelivery } = setupDeliveryService();
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
      const { service, deliveries, channels, notices, pendingDelivery } = setupDeliveryService();
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
      const { service, deliveries, channels, pendingDelivery } = setupDeliveryService();
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
      const { service, channels, pendingDelivery } = setupDeliveryService();
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
      const { service, deliveries, notices, pendingDelivery, sends } = setupDeliveryService();
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
});
