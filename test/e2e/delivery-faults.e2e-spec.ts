import { getQueueToken } from '@nestjs/bull';
import type { Queue } from 'bull';
import { DELIVER_JOB, DELIVERY_QUEUE } from 'src/queue/queue.constants';
import { newMember, newOrg, TestMember } from 'test/factories';
import { settledDeliveries } from 'test/utils/deliveries';
import { runReportNow } from 'test/utils/run-report';
import { SmtpInbox, startSmtpInbox } from 'test/utils/smtp-inbox';
import { seedOrgData } from 'test/utils/seed-org';
import { queuesDrained } from 'test/utils/queues';
import { createTestApp, TestApp } from 'test/utils/test-app';
import { waitFor } from 'test/utils/wait-for';
import { WorkerProcess } from 'test/utils/worker-process';

jest.setTimeout(180_000);

// The API runs in the test; generation and delivery run in real worker processes we SIGKILL.
describe('delivery under failure: killed workers and duplicate jobs', () => {
  let inbox: SmtpInbox;
  let api: TestApp;
  let editor: TestMember;
  const workerEnv = () => ({ SMTP_URL: inbox.url, QUEUE_LOCK_DURATION_MS: '3000' });

  beforeAll(async () => {
    inbox = await startSmtpInbox();
    api = await createTestApp({ role: 'api', env: { SMTP_URL: inbox.url } });
    const orgId = (await newOrg(api.db)).id;
    editor = newMember(orgId, { roles: ['editor'] });
    await seedOrgData({ orgId, invoices: 100, usageEvents: 10, customers: 5 });
  });
  afterAll(async () => {
    await api.close();
    await inbox.stop();
  });

  it('a worker SIGKILLed before the SMTP server accepted: the message arrives exactly once after recovery', async () => {
    const first = new WorkerProcess();
    const second = new WorkerProcess();
    try {
      await first.start(workerEnv());
      // Jobs other test files left in the shared queue may reach this inbox too: count ours only.
      const ours = () => inbox.messages.filter((m) => m.envelope.to.includes('once@acme.example'));
      inbox.holdNextMessages(1, 'once@acme.example');
      const execution = await runReportNow(api, editor, {
        recipients: [{ type: 'email', value: 'once@acme.example' }],
      });
      await waitFor('the first worker to be mid-send', async () => inbox.heldCount === 1);
      await first.kill();
      expect(ours()).toHaveLength(0);

      await second.start(workerEnv());
      const [row] = await settledDeliveries(api, execution.id, undefined, 60_000);
      expect(row).toMatchObject({ status: 'sent', attempts: 2 });
      // No job left that could send it again (the killed worker's stalled one included).
      await queuesDrained(api, 60_000);
      const received = ours();
      expect(received).toHaveLength(1);
      expect(received[0].parsed.messageId).toBe(`<${row.id}@localhost>`);

      // The same delivery's job run again after `sent`: nothing more goes out.
      const queue = api.app.get<Queue>(getQueueToken(DELIVERY_QUEUE));
      const again = await queue.add(
        DELIVER_JOB,
        { deliveryId: row.id, orgId: editor.orgId },
        { jobId: `duplicate-${row.id}`, removeOnComplete: false },
      );
      expect(await again.finished()).toEqual({ result: 'skipped', reason: 'already sent' });
      await queuesDrained(api);
      expect(ours()).toHaveLength(1);
      const [after] = await settledDeliveries(api, execution.id);
      expect(after.attempts).toBe(2);
    } finally {
      await first.kill();
      await second.kill();
    }
  });
});
