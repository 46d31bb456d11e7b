import { getQueueToken } from '@nestjs/bull';
import { SchedulerRegistry } from '@nestjs/schedule';
import type { Queue } from 'bull';
import { AppRole } from 'src/config/app-config';
import { DOMAIN_EVENT_TYPES } from 'src/domain/vocabulary';
import { DomainEventBus } from 'src/modules/outbox/domain-event-bus';
import { OutboxRelayService } from 'src/modules/outbox/outbox-relay.service';
import { DELIVERY_QUEUE } from 'src/queue/queue.constants';
import { newOrg } from 'test/factories';
import { useManualTicks } from 'test/utils/manual-ticks';
import { createTestApp, TestApp } from 'test/utils/test-app';

jest.setTimeout(60_000);

describe('domain events through the outbox', () => {
  describe.each<AppRole>(['api', 'worker', 'scheduler'])('a process of role %s', (role) => {
    it('has a subscriber for every event type, so it can dispatch what it publishes', async () => {
      const app = await createTestApp({ role });
      try {
        const bus = app.app.get(DomainEventBus);
        for (const type of DOMAIN_EVENT_TYPES) expect(bus.subscribersOf(type)).not.toEqual([]);
      } finally {
        await app.close();
      }
    });
  });

  // A scheduler process: the relay is called by the test, and delivery jobs stay queued.
  describe('the relay', () => {
    let t: TestApp;
    let relay: OutboxRelayService;
    let deliveryQueue: Queue;

    beforeAll(async () => {
      t = await createTestApp({ role: 'scheduler' });
      useManualTicks(t.app);
      const registry = t.app.get(SchedulerRegistry);
      for (const loop of ['outbox-relay', 'delivery-reconciler', 'execution-reconciler']) {
        registry.deleteInterval(loop);
      }
      relay = t.app.get(OutboxRelayService);
      deliveryQueue = t.app.get<Queue>(getQueueToken(DELIVERY_QUEUE));
    });
    afterAll(() => t.close());

    /** A schedule with two recipients and one finished run of it, as a worker left them. */
    async function finishedRun(status: 'completed' | 'failed') {
      const orgId = (await newOrg(t.db)).id;
      await t.db.query(
        `INSERT INTO members (organization_id, user_id, email, name, roles) VALUES ($1, 'owner', 'owner@acme.example', 'Owner', '{editor}')`,
        [orgId],
      );
      const [schedule] = await t.db.query(
        `INSERT INTO scheduled_reports (organization_id, created_by, name, report_type, schedule_config, output_format, recipients)
         VALUES ($1, 'owner', 'relayed', 'invoice_summary', '{"cadence":"daily","time":"09:00","timezone":"UTC"}', 'csv',
                 '[{"type":"email","value":"a@acme.example"},{"type":"email","value":"b@acme.example"}]')
         RETURNING id`,
        [orgId],
      );
      const [execution] = await t.db.query(
        `INSERT INTO report_executions (organization_id, scheduled_report_id, trigger, scheduled_for, status,
                                        completed_at, file_key, file_size, error_message)
         VALUES ($1, $2, 'schedule', now(), $3, now(), $4, 10, $5) RETURNING id`,
        [
          orgId,
          schedule.id,
          status,
          status === 'completed' ? `org/${orgId}/executions/x.csv` : null,
          status === 'failed' ? 'the database went away' : null,
        ],
      );
      return { orgId, scheduleId: schedule.id as string, executionId: execution.id as string };
    }

    /** The event its worker committed with the run, then died before dispatching (a minute ago). */
    async function strandedEvent(
      run: { orgId: string; executionId: string },
      type: string,
      payload: object,
    ): Promise<string> {
      const [event] = await t.db.query(
        `INSERT INTO outbox_events (organization_id, type, subject_id, payload, created_at)
         VALUES ($1, $2, $3, $4, now() - interval '1 minute') RETURNING id`,
        [run.orgId, type, run.executionId, JSON.stringify(payload)],
      );
      return event.id;
    }

    const deliveriesOf = (executionId: string) =>
      t.db.query(
        `SELECT id, recipient_value, status FROM report_deliveries WHERE report_execution_id = $1 ORDER BY recipient_value`,
        [executionId],
      );

    it('dispatches a completion whose publisher died: one delivery and one job per recipient, once', async () => {
      const run = await finishedRun('completed');
      const eventId = await strandedEvent(run, 'execution.completed', {
        execution_id: run.executionId,
        schedule_id: run.scheduleId,
        rows: 5,
        content_sha256: 'a'.repeat(64),
      });

      expect(await relay.relay()).toBe(1);

      const deliveries = await deliveriesOf(run.executionId);
      expect(deliveries).toEqual([
        expect.objectContaining({ recipient_value: 'a@acme.example', status: 'pending' }),
        expect.objectContaining({ recipient_value: 'b@acme.example', status: 'pending' }),
      ]);
      for (const d of deliveries) expect(await deliveryQueue.getJob(d.id)).not.toBeNull();
      const [event] = await t.db.query(
        `SELECT dispatched_at, attempts FROM outbox_events WHERE id = $1`,
        [eventId],
      );
      expect(event.dispatched_at).not.toBeNull();
      expect(event.attempts).toBe(1);

      // Dispatched: the next pass leaves it alone, and nobody gets a second row.
      expect(await relay.relay()).toBe(0);
      expect(await deliveriesOf(run.executionId)).toHaveLength(2);
    });

    it('keeps an event its subscriber failed on, with the reason, for a later pass', async () => {
      const run = await finishedRun('completed');
      const eventId = await strandedEvent(run, 'execution.completed', {
        execution_id: run.executionId,
        schedule_id: 'not-a-uuid',
        rows: 5,
        content_sha256: 'a'.repeat(64),
      });

      await relay.relay();

      const [event] = await t.db.query(
        `SELECT dispatched_at, last_error, leased_until > now() AS waiting FROM outbox_events WHERE id = $1`,
        [eventId],
      );
      expect(event).toMatchObject({ dispatched_at: null, waiting: true });
      expect(event.last_error).toMatch(/^delivery fan-out: .*uuid/);
      expect(await deliveriesOf(run.executionId)).toHaveLength(0);
    });

    it('dispatches a failure whose publisher died: the creator gets one notice', async () => {
      const run = await finishedRun('failed');
      const payload = {
        execution_id: run.executionId,
        schedule_id: run.scheduleId,
        reason: 'the database went away',
        skipped_reason: null,
      };
      await strandedEvent(run, 'execution.failed', payload);

      expect(await relay.relay()).toBe(1);
      const notices = await t.db.query(`SELECT kind, status FROM notices WHERE subject_id = $1`, [
        run.executionId,
      ]);
      expect(notices).toEqual([{ kind: 'execution_failed', status: 'pending' }]);
    });
  });
});
