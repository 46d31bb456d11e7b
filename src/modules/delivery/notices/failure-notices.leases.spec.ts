import { FIRST, LAST, setupFailureNotices } from 'test/fakes/failure-notices.harness';
import { RetryableDeliveryError, UnknownOutcomeError } from '../delivery.errors';

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
});
