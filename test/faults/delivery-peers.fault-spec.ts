import { getQueueToken } from '@nestjs/bull';
import type { Queue } from 'bull';
import { DELIVER_JOB, DELIVERY_QUEUE } from 'src/queue/queue.constants';
import { newMember, newOrg, TestMember } from 'test/factories';
import { DeliveryRow, settledDeliveries } from 'test/utils/deliveries';
import { clientFor } from 'test/utils/http-client';
import { useManualTicks } from 'test/utils/manual-ticks';
import { runReportNow } from 'test/utils/run-report';
import { SmtpInbox, startSmtpInbox } from 'test/utils/smtp-inbox';
import { createTestApp, TestApp } from 'test/utils/test-app';
import { waitFor } from 'test/utils/wait-for';
import { startWebhookReceiver, WebhookReceiver } from 'test/utils/webhook-receiver';

jest.setTimeout(90_000);

const LEASE_MS = 3_000;

/**
 * Peers that misbehave (SMTP and webhook receivers that are slow, stall, or lose their answer)
 * against the real pipeline in one process. SMTP down, 4xx and 5xx are in
 * test/e2e/delivery-email.e2e-spec.ts. The ledger is counted at the peers.
 */
describe('delivery against misbehaving peers', () => {
  let inbox: SmtpInbox;
  let receiver: WebhookReceiver;
  let t: TestApp;
  let editor: TestMember;

  beforeAll(async () => {
    inbox = await startSmtpInbox();
    receiver = await startWebhookReceiver();
    t = await createTestApp({
      role: 'all',
      env: {
        SMTP_URL: inbox.url,
        OUTBOUND_ALLOW_HOSTS: '127.0.0.1',
        QUEUE_LOCK_DURATION_MS: String(LEASE_MS),
        WEBHOOK_TIMEOUT_MS: '400',
        JOB_ATTEMPTS: '3',
        JOB_BACKOFF_MS: '200',
      },
    });
    useManualTicks(t.app);
    const orgId = (await newOrg(t.db)).id;
    editor = newMember(orgId, { roles: ['editor'] });
    await clientFor(t, newMember(orgId, { roles: ['admin'] })).post('/api/admin/webhook-secret');
  });
  afterAll(async () => {
    await t.close();
    await receiver.stop();
    await inbox.stop();
  });

  const runTo = (type: 'email' | 'webhook', value: string) =>
    runReportNow(t, editor, { recipients: [{ type, value }] });
  const statusOf = async (id: string): Promise<DeliveryRow & { leased_until: Date | null }> =>
    (await t.db.query(`SELECT * FROM report_deliveries WHERE id = $1`, [id]))[0];
  const to = (address: string) => inbox.messages.filter((m) => m.envelope.to.includes(address));

  it('SMTP took the message but its 250 was lost: unknown, resent only after the lease, same Message-ID', async () => {
    const address = 'lost-reply@acme.example';
    inbox.interceptNextReply(address, { drop: true });

    const execution = await runTo('email', address);
    const [unknown] = await settledDeliveries(t, execution.id, (r) => r[0]?.status === 'unknown');
    expect(unknown.error_message).toMatch(/^outcome unknown: SMTP connection lost/);
    const [row] = await settledDeliveries(t, execution.id);

    expect(row).toMatchObject({ status: 'sent', attempts: 2 });
    const copies = to(address);
    expect(copies).toHaveLength(2);
    // Both copies are one message to the recipient's client: it folds them by Message-ID.
    expect(new Set(copies.map((m) => m.parsed.messageId))).toEqual(
      new Set([`<${row.id}@localhost>`]),
    );
    const gap = copies[1].receivedAt.getTime() - copies[0].receivedAt.getTime();
    expect(gap).toBeGreaterThanOrEqual(LEASE_MS);
  });

  it('SMTP slow (the 250 comes long after the lease): the lease is kept, a duplicate job sends nothing, one message', async () => {
    const address = 'slow@acme.example';
    inbox.interceptNextReply(address, { delayMs: 3 * LEASE_MS });

    const execution = await runTo('email', address);
    await inbox.waitForMessagesTo(address, 1, 30_000);
    const [{ id }] = await t.db.query(
      `SELECT id FROM report_deliveries WHERE report_execution_id = $1`,
      [execution.id],
    );
    const first = (await statusOf(id)).leased_until!.getTime();
    // Past the first lease, and renewed by the heartbeat of the attempt still waiting.
    await waitFor(
      'the lease to be renewed past its first expiry',
      async () => Date.now() > first && (await statusOf(id)).leased_until!.getTime() > first,
    );
    const queue = t.app.get<Queue>(getQueueToken(DELIVERY_QUEUE));
    const duplicate = await queue.add(
      DELIVER_JOB,
      { deliveryId: id, orgId: editor.orgId },
      { jobId: `duplicate-${id}`, attempts: 1, removeOnFail: false },
    );
    await expect(duplicate.finished()).rejects.toThrow(/another attempt is delivering/);

    const [row] = await settledDeliveries(t, execution.id, undefined, 30_000);
    expect(row).toMatchObject({ id, status: 'sent', attempts: 1 });
    expect(to(address)).toHaveLength(1);
  });

  it('a webhook receiver that stalls past the timeout: unknown, resent after the lease with the same X-Event-Id', async () => {
    receiver.respondWith((request) =>
      request.path === '/stall' && receiver.requests.filter((r) => r.path === '/stall').length === 1
        ? { status: 200, delayMs: 2_000 }
        : { status: 204 },
    );
    const execution = await runTo('webhook', `${receiver.url.replace(/\/hook$/, '')}/stall`);
    await settledDeliveries(t, execution.id, (r) => r[0]?.status === 'unknown');
    const [row] = await settledDeliveries(t, execution.id);

    expect(row).toMatchObject({ status: 'sent', attempts: 2 });
    const requests = receiver.requests.filter((r) => r.path === '/stall');
    expect(requests.map((r) => r.headers['x-event-id'])).toEqual([row.id, row.id]);
    const gap = requests[1].receivedAt.getTime() - requests[0].receivedAt.getTime();
    expect(gap).toBeGreaterThanOrEqual(LEASE_MS);
  });

  it('a webhook receiver answering 503 is retried with the same X-Event-Id; a redirect fails at once, unfollowed', async () => {
    receiver.respondWith((request) => {
      if (request.path === '/redirect') return { status: 307, headers: { Location: '/elsewhere' } };
      const seen = receiver.requests.filter((r) => r.path === '/busy').length;
      return seen === 1 ? { status: 503 } : { status: 200 };
    });
    const base = receiver.url.replace(/\/hook$/, '');

    const busy = await runTo('webhook', `${base}/busy`);
    const [sent] = await settledDeliveries(t, busy.id);
    expect(sent).toMatchObject({ status: 'sent', attempts: 2 });
    const busyIds = receiver.requests.filter((r) => r.path === '/busy');
    expect(busyIds.map((r) => r.headers['x-event-id'])).toEqual([sent.id, sent.id]);

    const moved = await runTo('webhook', `${base}/redirect`);
    const [failed] = await settledDeliveries(t, moved.id);
    expect(failed).toMatchObject({ status: 'failed', attempts: 1 });
    expect(failed.error_message).toMatch(/HTTP 307 redirecting to \/elsewhere/);
    expect(receiver.requests.some((r) => r.path === '/elsewhere')).toBe(false);
  });
});
