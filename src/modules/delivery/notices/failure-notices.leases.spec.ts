import { FIRST, LAST, setupFailureNotices } from 'test/fakes/failure-notices.harness';
import { RetryableDeliveryError, UnknownOutcomeError } from '../delivery.errors';
import { MAX_LOST_ATTEMPTS } from '../lease-heartbeat';

/** Notices are sent under a lease, as deliveries are: two jobs of one notice never both send. */
describe('FailureNoticesService leases', () => {
  const LEASE_MS = 30_000;

  it('turns a second job away while the first is sending, and records only the holder', async () => {
    const { service, notices, mailer, pendingNotice } = setupFailureNotices();
    const { notice, job } = pendingNotice();
    let second: Promise<unknown> | undefined;
    mailer.behaviour = async () => {
      second = service.send(job, FIRST).catch((error: unknown) => error);
    };

    expect(await service.send(job, FIRST)).toEqual({ result: 'sent' });

    const refused = await second;
    expect(refused).toBeInstanceOf(RetryableDeliveryError);
    expect((refused as RetryableDeliveryError).retryAfterMs).toBe(LEASE_MS);
    expect(mailer.sent).toHaveLength(1);
    expect(notices.get(notice.id)).toMatchObject({
      status: 'sent',
      attempts: 1,
      lease_id: null,
    });
  });

  it('holds a notice sent without an answer for a lease, then sends it again', async () => {
    const { service, notices, mailer, pendingNotice } = setupFailureNotices();
    const { notice, job } = pendingNotice();
    mailer.behaviour = async () => {
      mailer.behaviour = async () => undefined;
      throw new UnknownOutcomeError('SMTP connection lost without a reply: Timeout');
    };

    const error = await service.send(job, FIRST).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RetryableDeliveryError);
    expect((error as RetryableDeliveryError).retryAfterMs).toBe(LEASE_MS);
    const held = notices.get(notice.id);
    expect(held).toMatchObject({ status: 'pending', lease_id: null });
    expect(held.leased_until!.getTime()).toBeGreaterThan(Date.now() + LEASE_MS - 5_000);
    await expect(service.send(job, FIRST)).rejects.toThrow(/another attempt/);

    held.leased_until = new Date(Date.now() - 1); // the lease lapsed
    expect(await service.send(job, LAST)).toEqual({ result: 'sent' });
    expect(mailer.sent.map((m) => m.noticeId)).toEqual([notice.id, notice.id]);
  });

  describe('a notice whose worker keeps dying while sending it', () => {
    /** `times` attempts that claimed the notice and died: each left its lease, which lapsed. */
    const dieWhileSending = async (
      notices: ReturnType<typeof setupFailureNotices>['notices'],
      id: string,
      times: number,
    ) => {
      for (let i = 0; i < times; i++) {
        const row = notices.get(id);
        expect(await notices.claim(row.organization_id, id, `dead-${i}`, LEASE_MS)).not.toBeNull();
        row.leased_until = new Date(Date.now() - 1);
      }
    };

    it(`is failed with the reason once ${MAX_LOST_ATTEMPTS} attempts died, and not sent again`, async () => {
      const { service, notices, mailer, pendingNotice } = setupFailureNotices();
      const { notice, job } = pendingNotice();
      await dieWhileSending(notices, notice.id, MAX_LOST_ATTEMPTS);

      const outcome = await service.send(job, FIRST);

      expect(outcome).toMatchObject({ result: 'failed' });
      expect(outcome.reason).toMatch(/stopped \(crashed or was killed\) 3 times/);
      expect(mailer.sent).toEqual([]);
      expect(notices.get(notice.id)).toMatchObject({
        status: 'failed',
        lost_attempts: MAX_LOST_ATTEMPTS,
        lease_id: null,
        error_message: outcome.reason,
      });
    });

    it('is still sent after fewer lost attempts', async () => {
      const { service, notices, mailer, pendingNotice } = setupFailureNotices();
      const { notice, job } = pendingNotice();
      await dieWhileSending(notices, notice.id, MAX_LOST_ATTEMPTS - 1);

      expect(await service.send(job, FIRST)).toEqual({ result: 'sent' });
      expect(mailer.sent.map((m) => m.noticeId)).toEqual([notice.id]);
    });

    it('does not count attempts that ended with a retry', async () => {
      const { service, notices, mailer, pendingNotice } = setupFailureNotices();
      const { notice, job } = pendingNotice();
      mailer.behaviour = async () => {
        throw new RetryableDeliveryError('SMTP 421 try later');
      };
      for (let i = 0; i < MAX_LOST_ATTEMPTS + 1; i++) {
        await expect(service.send(job, FIRST)).rejects.toThrow(/421/);
      }
      mailer.behaviour = async () => undefined;

      expect(await service.send(job, FIRST)).toEqual({ result: 'sent' });
      expect(notices.get(notice.id).lost_attempts).toBe(0);
    });
  });
});
