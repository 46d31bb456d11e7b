import { newMember, newOrg, TestMember } from 'test/factories';
import { settledDeliveries } from 'test/utils/deliveries';
import { clientFor } from 'test/utils/http-client';
import { useManualTicks } from 'test/utils/manual-ticks';
import { runReportNow } from 'test/utils/run-report';
import { createTestApp, TestApp } from 'test/utils/test-app';
import { startWebhookReceiver, WebhookReceiver } from 'test/utils/webhook-receiver';

jest.setTimeout(120_000);

// Resending is sending again: each member's resends are limited like their run-now clicks.
describe('the resend limit', () => {
  let receiver: WebhookReceiver;
  let t: TestApp;
  let editor: TestMember;

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    // 422: refused for good, so every delivery ends failed at once and can be resent.
    receiver.respondWith([{ status: 422 }]);
    t = await createTestApp({ role: 'all', env: { OUTBOUND_ALLOW_HOSTS: '127.0.0.1' } });
    useManualTicks(t.app);
    const orgId = (await newOrg(t.db)).id;
    const admin = newMember(orgId, { roles: ['admin'] });
    await clientFor(t, admin).post('/api/admin/webhook-secret').expect(201);
    await clientFor(t, admin).put('/api/admin/settings', { run_now_per_hour: 2 }).expect(200);
    editor = newMember(orgId);
  });
  afterAll(async () => {
    await t.close();
    await receiver.stop();
  });

  it('counts each resend that reopens something, per member, and refuses past the limit', async () => {
    const execution = await runReportNow(t, editor, {
      recipients: [1, 2, 3].map((n) => ({ type: 'webhook', value: `${receiver.url}/hook-${n}` })),
    });
    const deliveries = await settledDeliveries(t, execution.id);
    expect(deliveries.map((d) => d.status)).toEqual(['failed', 'failed', 'failed']);
    const [first, second, third] = deliveries;
    const as = clientFor(t, editor);
    const base = `/api/report-executions/${execution.id}`;

    // Resends have their own hourly count (the run-now click above is not in it).
    await as.post(`${base}/deliveries/${first.id}/retry`).expect(202);
    await as.post(`${base}/deliveries/${second.id}/retry`).expect(202);
    const refused = await as.post(`${base}/deliveries/${third.id}/retry`).expect(429);
    expect(refused.body.message).toMatch(/^resend_per_user_per_hour: each member may start 2/);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
  });
});
