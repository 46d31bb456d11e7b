import { SchedulerRegistry } from '@nestjs/schedule';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DeliveryReconcilerService } from 'src/modules/delivery/delivery-reconciler.service';
import { ExecutionReconcilerService } from 'src/modules/scheduler/execution-reconciler.service';
import { SchedulerService } from 'src/modules/scheduler/scheduler.service';
import { ProducerQueues } from 'src/queue/producer-queues';
import { newOrg } from 'test/factories';
import { FakeClock } from 'test/utils/fake-clock';
import { useManualTicks } from 'test/utils/manual-ticks';
import { startRedis, stopRedis } from 'test/utils/redis-control';
import { SmtpInbox, startSmtpInbox } from 'test/utils/smtp-inbox';
import { createTestApp, TestApp } from 'test/utils/test-app';
import { TEST_STORAGE_DIR } from 'test/utils/test-env';
import { waitFor } from 'test/utils/wait-for';
import { WorkerProcess } from 'test/utils/worker-process';

jest.setTimeout(120_000);

/**
 * Redis going away under due slots, queued jobs and sends in flight: the database rows are the
 * outbox, the reconcilers the one way back, and the peers count each report exactly once.
 */
describe('Redis outages', () => {
  // Ahead of real time, so the reconcilers' grace periods are over for every row at once; the
  // slots themselves are real instants a minute ago.
  const clock = new FakeClock(new Date(Date.now() + 60_000));
  let t: TestApp;
  let inbox: SmtpInbox;
  let orgId: string;
  const worker = new WorkerProcess();

  /** A daily schedule whose slot, a minute ago, is due now; one email recipient of its own. */
  const dueSchedule = async (recipient: string): Promise<string> => {
    const slot = new Date(Math.floor((Date.now() - 60_000) / 60_000) * 60_000);
    const time = slot.toISOString().slice(11, 16);
    const [row] = await t.db.query(
      `INSERT INTO scheduled_reports (organization_id, created_by, name, report_type, schedule_config,
                                      output_format, recipients, report_parameters, next_run_at)
       VALUES ($1, 'someone', $2, 'invoice_summary', $3, 'csv', $4, $5, $6) RETURNING id`,
      [
        orgId,
        `outage ${recipient}`,
        { cadence: 'daily', time, timezone: 'UTC' },
        JSON.stringify([{ type: 'email', value: recipient }]),
        { date_range: { preset: 'last_7_days' } },
        slot,
      ],
    );
    return row.id;
  };
  const executionsOf = (scheduleIds: string[]) =>
    t.db.query(
      `SELECT id, scheduled_report_id, status, file_key, file_size, file_checksum
         FROM report_executions WHERE scheduled_report_id = ANY($1) ORDER BY scheduled_report_id`,
      [scheduleIds],
    );

  beforeAll(async () => {
    inbox = await startSmtpInbox();
    t = await createTestApp({ role: 'scheduler', clock, env: { SMTP_URL: inbox.url } });
    useManualTicks(t.app);
    // The test runs the reconcilers itself, so each pass is one it can wait for.
    const registry = t.app.get(SchedulerRegistry);
    registry.deleteInterval('execution-reconciler');
    registry.deleteInterval('delivery-reconciler');
    orgId = (await newOrg(t.db)).id;
    // Every run of this test goes on the queue at its tick: it counts jobs Redis lost, not turns.
    await t.db.query(`UPDATE organizations SET max_concurrent_generations = 10 WHERE id = $1`, [
      orgId,
    ]);
    await t.db.query(
      `INSERT INTO members (organization_id, user_id, email, name, roles, permissions)
       VALUES ($1, 'someone', 'someone@acme.example', 'Someone', '{editor}', '{billing:read}')`,
      [orgId],
    );
  });
  afterAll(async () => {
    startRedis();
    await worker.kill();
    await t.close();
    await inbox.stop();
  });

  it('does not replay an enqueue that failed while Redis was down: the reconciler brings the run back', async () => {
    const schedule = await dueSchedule('replay@acme.example');
    const producer = t.app.get(ProducerQueues).generation;
    try {
      stopRedis();
      await t.app.get(SchedulerService).tick(); // commits the slot; its enqueue fails
    } finally {
      startRedis();
    }
    const [execution] = await executionsOf([schedule]);
    expect(execution.status).toBe('pending');
    // Once the producer's connection is back, a command on it runs after anything a client would
    // have queued while offline: by then a replayed add would have landed.
    await waitFor('the producer to reconnect', async () => producer.client.status === 'ready');
    await producer.client.ping();
    expect(await producer.getJob(execution.id)).toBeNull();

    await t.app.get(ExecutionReconcilerService).reconcile();
    expect(await producer.getJob(execution.id)).not.toBeNull();
  });

  it('runs every due slot once, and mails each recipient once, across a Redis restart that lost queued jobs, an outage at the tick and one mid-send', async () => {
    const scheduler = t.app.get(SchedulerService);
    const producer = t.app.get(ProducerQueues).generation;
    const recipients = Array.from({ length: 6 }, (_, i) => `outage-${i}@acme.example`);
    const queuedThenLost = await Promise.all(recipients.slice(0, 3).map(dueSchedule));
    await scheduler.tick();
    const queued = await executionsOf(queuedThenLost);
    for (const execution of queued) expect(await producer.getJob(execution.id)).not.toBeNull();

    let dueWhileDown: string[];
    try {
      stopRedis(); // no persistence: it comes back empty, the three jobs gone
      dueWhileDown = await Promise.all(recipients.slice(3).map(dueSchedule));
      await scheduler.tick();
    } finally {
      startRedis();
    }
    const schedules = [...queuedThenLost, ...dueWhileDown];
    expect((await executionsOf(schedules)).map((e: { status: string }) => e.status)).toEqual(
      Array(6).fill('pending'),
    );

    await worker.start({ SMTP_URL: inbox.url });
    const reconcile = async () => {
      await t.app.get(ExecutionReconcilerService).reconcile();
      await t.app.get(DeliveryReconcilerService).reconcile();
    };
    await waitFor(
      'the first report to be mailed',
      async () => {
        await reconcile();
        return inbox.messages.some((m) => recipients.includes(m.envelope.to[0]));
      },
      60_000,
      500,
    );
    // Down again with generations and sends in flight.
    try {
      stopRedis();
    } finally {
      startRedis();
    }
    const delivered = await waitFor(
      'every run completed and every delivery sent',
      async () => {
        await reconcile();
        const rows: { status: string }[] = await t.db.query(
          `SELECT d.status FROM report_deliveries d JOIN report_executions e ON e.id = d.report_execution_id
            WHERE e.scheduled_report_id = ANY($1)`,
          [schedules],
        );
        return rows.length === 6 && rows.every((r) => r.status === 'sent') && rows;
      },
      90_000,
      500,
    );
    expect(delivered).toHaveLength(6);

    const executions = await executionsOf(schedules);
    expect(executions).toHaveLength(6); // one per slot
    for (const execution of executions) {
      expect(execution.status).toBe('completed');
      const bytes = await readFile(join(TEST_STORAGE_DIR, ...execution.file_key.split('/')));
      expect(bytes.length).toBe(Number(execution.file_size));
      expect(createHash('sha256').update(bytes).digest('hex')).toBe(execution.file_checksum);
    }
    for (const recipient of recipients) {
      const messages = inbox.messages.filter((m) => m.envelope.to.includes(recipient));
      expect(messages).toHaveLength(1);
    }
    const ids = inbox.messages.map((m) => m.parsed.messageId);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
