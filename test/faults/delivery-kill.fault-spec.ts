import { getQueueToken } from '@nestjs/bull';
import type { Queue } from 'bull';
import { DELIVER_JOB, DELIVERY_QUEUE } from 'src/queue/queue.constants';
import { newMember, newOrg, TestMember } from 'test/factories';
import { settledDeliveries } from 'test/utils/deliveries';
import { FakeSlackApi } from 'test/utils/fake-slack-api';
import { clientFor } from 'test/utils/http-client';
import { queuesDrained } from 'test/utils/queues';
import { runReportNow } from 'test/utils/run-report';
import { seedOrgData } from 'test/utils/seed-org';
import { createTestApp, TestApp } from 'test/utils/test-app';
import { waitFor } from 'test/utils/wait-for';
import { startWebhookReceiver, WebhookReceiver } from 'test/utils/webhook-receiver';
import { WorkerProcess } from 'test/utils/worker-process';

jest.setTimeout(240_000);

/** A channel id no other spec posts to: used as given, so no conversations.list call. */
const CHANNEL = 'C0KILLMIDSEND';

/**
 * A real worker SIGKILLed while its webhook request or Slack post is in flight (the peer has
 * the request and holds its answer), then a second worker. The SMTP case is in
 * test/e2e/delivery-faults.e2e-spec.ts. The ledger is counted at the peers.
 */
describe('delivery: a worker SIGKILLed mid-send to a webhook or Slack', () => {
  let receiver: WebhookReceiver;
  let slack: FakeSlackApi;
  let api: TestApp;
  let editor: TestMember;
  const workerEnv = () => ({
    OUTBOUND_ALLOW_HOSTS: '127.0.0.1',
    SLACK_API_URL: slack.url,
    QUEUE_LOCK_DURATION_MS: '3000',
    // Far longer than the kill takes on a loaded host: the request is in flight, not timed out.
    WEBHOOK_TIMEOUT_MS: '60000',
  });

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    slack = await FakeSlackApi.start();
    api = await createTestApp({
      role: 'api',
      env: { OUTBOUND_ALLOW_HOSTS: '127.0.0.1', SLACK_API_URL: slack.url },
    });
    const orgId = (await newOrg(api.db)).id;
    editor = newMember(orgId, { roles: ['editor'] });
    const admin = clientFor(api, newMember(orgId, { roles: ['admin'] }));
    expect((await admin.post('/api/admin/webhook-secret')).body.secret).toEqual(expect.any(String));
    await admin
      .put('/api/admin/integrations/slack', { bot_token: 'xoxb-1234-5678-abcdefghijklmnop' })
      .expect(200);
    await seedOrgData({ orgId, invoices: 100, usageEvents: 10, customers: 5 });
  });
  afterAll(async () => {
    await api.close();
    await slack.close();
    await receiver.stop();
  });

  /** The same delivery's job run again after `sent`: it must send nothing more. */
  const rerunAfterSent = async (deliveryId: string) => {
    const queue = api.app.get<Queue>(getQueueToken(DELIVERY_QUEUE));
    const again = await queue.add(
      DELIVER_JOB,
      { deliveryId, orgId: editor.orgId },
      { jobId: `duplicate-${deliveryId}`, removeOnComplete: false },
    );
    expect(await again.finished()).toEqual({ result: 'skipped', reason: 'already sent' });
    await queuesDrained(api);
  };

  it('webhook: the worker dies with the request at the receiver; the second worker resends once, same X-Event-Id', async () => {
    const first = new WorkerProcess();
    const second = new WorkerProcess();
    // Jobs other spec files left in the shared queue may reach this receiver too: count ours only.
    const ours = () => receiver.requests.filter((r) => r.path === '/killed-mid-send');
    let answerHeld = () => {};
    receiver.respondWith((request) =>
      request.path === '/killed-mid-send' && ours().length === 1
        ? new Promise((resolve) => (answerHeld = () => resolve({ status: 200 })))
        : { status: 204 },
    );
    try {
      await first.start(workerEnv());
      const execution = await runReportNow(api, editor, {
        recipients: [
          { type: 'webhook', value: receiver.url.replace(/\/hook$/, '/killed-mid-send') },
        ],
      });
      await waitFor('the first worker to be mid-send', async () => ours().length === 1, 60_000);
      await first.kill();
      answerHeld(); // too late: its client is gone, so no answer is written

      await second.start(workerEnv());
      const [row] = await settledDeliveries(api, execution.id, undefined, 90_000);
      expect(row).toMatchObject({ status: 'sent', attempts: 2, metadata: { http_status: 204 } });
      // No job left that could send it again (the killed worker's stalled one included).
      await queuesDrained(api, 60_000);
      // The receiver had the first request, so it sees two; one event id lets it drop the copy.
      expect(ours().map((r) => r.headers['x-event-id'])).toEqual([row.id, row.id]);
      expect(ours().map((r) => (r.json as { execution: { id: string } }).execution.id)).toEqual([
        execution.id,
        execution.id,
      ]);

      await rerunAfterSent(row.id);
      expect(ours()).toHaveLength(2);
      const [after] = await settledDeliveries(api, execution.id);
      expect(after).toMatchObject({ status: 'sent', attempts: 2 });
    } finally {
      await first.kill();
      await second.kill();
    }
  });

  it('Slack: the worker dies with the post at Slack; the second worker posts again (no idempotency key): twice, never a third time', async () => {
    const first = new WorkerProcess();
    const second = new WorkerProcess();
    const name = 'Killed mid Slack post';
    // files.completeUploadExternal is the call that shares the file in the channel (the post).
    const posts = () =>
      [...slack.callsTo('files.completeUploadExternal'), ...slack.callsTo('chat.postMessage')]
        .map((call) => JSON.stringify(call.body))
        .filter((body) => body.includes(CHANNEL));
    slack.holdNext('files.completeUploadExternal', (call) =>
      JSON.stringify(call.body).includes(CHANNEL),
    );
    try {
      await first.start(workerEnv());
      const execution = await runReportNow(api, editor, {
        name,
        recipients: [{ type: 'slack_channel', value: CHANNEL }],
      });
      await waitFor('the first worker to be mid-post', async () => slack.heldCount === 1, 60_000);
      expect(posts()).toHaveLength(1);
      await first.kill();
      await waitFor('Slack to see the client gone', async () => slack.heldCount === 0);

      await second.start(workerEnv());
      const [row] = await settledDeliveries(api, execution.id, undefined, 90_000);
      expect(row).toMatchObject({
        status: 'sent',
        attempts: 2,
        metadata: { slack_channel_id: CHANNEL, uploaded: true },
      });
      await queuesDrained(api, 60_000);
      // Slack acted on the first post although its answer never arrived: the documented window
      // (docs/guarantees.md) shows the message twice, and no more than that.
      const seen = posts();
      expect(seen).toHaveLength(2);
      for (const body of seen) expect(body).toContain(name);

      await rerunAfterSent(row.id);
      expect(posts()).toHaveLength(2);
      const [after] = await settledDeliveries(api, execution.id);
      expect(after).toMatchObject({ status: 'sent', attempts: 2 });
    } finally {
      await first.kill();
      await second.kill();
    }
  });
});
