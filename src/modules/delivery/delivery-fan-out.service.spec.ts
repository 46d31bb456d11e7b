import type { ExecutionCompleted } from 'src/modules/executions/execution-outcome.events';
import type { ReportExecution } from 'src/modules/executions/entities/report-execution.entity';
import type { DomainEventBus } from 'src/modules/outbox/domain-event-bus';
import type {
  Recipient,
  ScheduledReport,
} from 'src/modules/schedules/entities/scheduled-report.entity';
import type { ExecutionsRepository } from 'src/modules/executions/executions.repository';
import type { RunConfig } from 'src/modules/executions/run-config';
import type { SchedulesRepository } from 'src/modules/schedules/schedules.repository';
import type { DeliveryQueue } from 'src/queue/delivery-queue';
import {
  FakeDeliveriesRepository,
  FakeDeliveryQueue,
  FakeExecutions,
  FakeSchedules,
  FakeSubscriberBus,
  newDomainEvent,
  ORG,
} from 'test/fakes/delivery.fakes';
import { FakeClock } from 'test/utils/fake-clock';
import type { DeliveriesRepository } from './deliveries.repository';
import { DeliveryFanOutService } from './delivery-fan-out.service';

const RECIPIENTS: Recipient[] = [
  { type: 'email', value: 'eve@example.com' },
  { type: 'slack_channel', value: '#finance' },
  { type: 'webhook', value: 'https://hooks.example/reports' },
];
const HASH = 'c'.repeat(64);

function setup() {
  const clock = new FakeClock(new Date('2026-12-07T14:00:06Z'));
  const executions = new FakeExecutions();
  const deliveries = new FakeDeliveriesRepository(clock, executions);
  const schedules = new FakeSchedules();
  const queue = new FakeDeliveryQueue();
  const bus = new FakeSubscriberBus();
  const service = new DeliveryFanOutService(
    deliveries as unknown as DeliveriesRepository,
    executions as unknown as ExecutionsRepository,
    schedules as unknown as SchedulesRepository,
    queue as unknown as DeliveryQueue,
    bus as unknown as DomainEventBus,
  );
  /** A schedule with three recipients, one of its runs just completed, and the event saying so. */
  const completedRun = (
    schedule: Partial<ScheduledReport> = {},
    payload: Partial<ExecutionCompleted> = {},
    snapshot?: Partial<RunConfig>,
  ) => {
    const s = schedules.add({ recipients: RECIPIENTS, ...schedule });
    const e = executions.add({
      scheduled_report_id: s.id,
      ...(snapshot ? { config_snapshot: snapshotOf(s, snapshot) } : {}),
    });
    const event = newDomainEvent<ExecutionCompleted>('execution.completed', {
      execution_id: e.id,
      schedule_id: s.id,
      rows: 3,
      content_sha256: HASH,
      ...payload,
    });
    return { schedule: s, execution: e, event };
  };
  /** An earlier run of `scheduleId` with `hash`, delivered to someone when `sent`. */
  const earlierRun = (scheduleId: string, hash: string, sent = true, at = '2026-11-30') => {
    const e = executions.add({
      scheduled_report_id: scheduleId,
      completed_at: new Date(`${at}T14:00:05Z`),
      metadata: { content_sha256: hash },
    } as Partial<ReportExecution>);
    deliveries.add({ report_execution_id: e.id, status: sent ? 'sent' : 'failed' });
    return e;
  };
  const rowsOf = (executionId: string) => deliveries.listForExecution(ORG, executionId);
  return { service, deliveries, schedules, queue, bus, completedRun, earlierRun, rowsOf };
}

/** The copy a claim takes of `schedule`, with what differed at the claim. */
function snapshotOf(schedule: ScheduledReport, changes: Partial<RunConfig>): RunConfig {
  return {
    name: schedule.name,
    report_type: schedule.report_type,
    report_parameters: schedule.report_parameters,
    output_format: schedule.output_format,
    timezone: schedule.schedule_config.timezone,
    recipients: schedule.recipients,
    delivery_options: schedule.delivery_options,
    ...changes,
  };
}

describe('DeliveryFanOutService', () => {
  describe('a completed run', () => {
    it('gets one pending delivery per recipient and one job each, under the delivery id', async () => {
      const { service, queue, completedRun, rowsOf } = setup();
      const { execution, event } = completedRun();

      const pending = await service.fanOut(event);

      const rows = await rowsOf(execution.id);
      expect(rows.map((r) => [r.recipient_type, r.recipient_value, r.status])).toEqual([
        ['email', 'eve@example.com', 'pending'],
        ['slack_channel', '#finance', 'pending'],
        ['webhook', 'https://hooks.example/reports', 'pending'],
      ]);
      expect(rows.every((r) => r.organization_id === ORG)).toBe(true);
      expect(pending.sort()).toEqual(rows.map((r) => r.id).sort());
      expect(queue.ids('deliver').sort()).toEqual(pending.sort());
      expect([...queue.jobs.values()].every((job) => job.orgId === ORG)).toBe(true);
    });

    it('gets no deliveries and no jobs when its schedule has no recipients', async () => {
      const { service, queue, completedRun, rowsOf } = setup();
      const { execution, event } = completedRun({ recipients: [] });

      expect(await service.fanOut(event)).toEqual([]);
      expect(await rowsOf(execution.id)).toEqual([]);
      expect(queue.jobs.size).toBe(0);
    });

    it('still gets its deliveries when the schedule was soft-deleted (delivery skips them)', async () => {
      const { service, completedRun, rowsOf } = setup();
      const { execution, event } = completedRun({ deleted_at: new Date() });

      expect(await service.fanOut(event)).toHaveLength(3);
      expect((await rowsOf(execution.id)).map((r) => r.status)).toEqual([
        'pending',
        'pending',
        'pending',
      ]);
    });

    it('gets nothing when its schedule no longer exists', async () => {
      const { service, schedules, queue, completedRun, rowsOf } = setup();
      const { schedule, execution, event } = completedRun();
      schedules.rows.delete(schedule.id);

      expect(await service.fanOut(event)).toEqual([]);
      expect(await rowsOf(execution.id)).toEqual([]);
      expect(queue.requested).toEqual([]);
    });
  });

  describe('the settings copied at the claim', () => {
    it('serves the recipients the run was claimed with, not ones added or removed since', async () => {
      const { service, completedRun, rowsOf } = setup();
      const claimed: Recipient[] = [{ type: 'email', value: 'old@example.com' }];
      const { execution, event } = completedRun({}, {}, { recipients: claimed });

      expect(await service.fanOut(event)).toHaveLength(1);
      expect((await rowsOf(execution.id)).map((r) => r.recipient_value)).toEqual([
        'old@example.com',
      ]);
    });

    it('decides skip_if_empty by the options at the claim, not an edit since', async () => {
      const { service, queue, completedRun, rowsOf } = setup();
      const { execution, event } = completedRun(
        { delivery_options: {} },
        { rows: 0 },
        { delivery_options: { skip_if_empty: true } },
      );

      expect(await service.fanOut(event)).toEqual([]);
      expect((await rowsOf(execution.id)).map((r) => r.status)).toEqual([
        'skipped',
        'skipped',
        'skipped',
      ]);
      expect(queue.jobs.size).toBe(0);
    });

    it('still sends when skip_if_empty was turned on only after the claim', async () => {
      const { service, completedRun } = setup();
      const { event } = completedRun(
        { delivery_options: { skip_if_empty: true } },
        { rows: 0 },
        { delivery_options: {} },
      );

      expect(await service.fanOut(event)).toHaveLength(3);
    });

    it('uses the live schedule for a run without a copy (a manual run)', async () => {
      const { service, completedRun } = setup();
      const { event } = completedRun();

      expect(await service.fanOut(event)).toHaveLength(3);
    });
  });

  describe('skip_if_empty', () => {
    it('records every delivery of an empty report as skipped (empty), with no job', async () => {
      const { service, queue, completedRun, rowsOf } = setup();
      const { execution, event } = completedRun(
        { delivery_options: { skip_if_empty: true } },
        { rows: 0 },
      );

      expect(await service.fanOut(event)).toEqual([]);

      const rows = await rowsOf(execution.id);
      expect(rows).toHaveLength(3);
      for (const row of rows) {
        expect(row).toMatchObject({
          status: 'skipped',
          error_message: 'the report has no rows (skip_if_empty)',
          metadata: { reason: 'empty' },
        });
      }
      expect(queue.jobs.size).toBe(0);
    });

    it.each([
      ['a report with rows', { skip_if_empty: true }, 1],
      ['an empty report without the option', {}, 0],
    ])('sends %s', async (_label, options, rows) => {
      const { service, queue, completedRun } = setup();
      const { event } = completedRun({ delivery_options: options }, { rows });

      expect(await service.fanOut(event)).toHaveLength(3);
      expect(queue.jobs.size).toBe(3);
    });
  });

  describe('only_if_changed', () => {
    it('records every delivery as skipped (unchanged) when the last delivered run had the same content', async () => {
      const { service, queue, completedRun, earlierRun, rowsOf } = setup();
      const { schedule, execution, event } = completedRun({
        delivery_options: { only_if_changed: true },
      });
      earlierRun(schedule.id, HASH);

      expect(await service.fanOut(event)).toEqual([]);

      const rows = await rowsOf(execution.id);
      expect(rows).toHaveLength(3);
      for (const row of rows) {
        expect(row).toMatchObject({
          status: 'skipped',
          error_message: 'the content is the same as the last delivered report (only_if_changed)',
          metadata: { reason: 'unchanged' },
        });
      }
      expect(queue.jobs.size).toBe(0);
    });

    it.each([
      ['the content changed since the last delivered run', true, true],
      ['the run is the first of its schedule', false, true],
      ['the option is off', true, false],
    ])('sends when %s', async (_label, hasEarlier, onlyIfChanged) => {
      const { service, queue, completedRun, earlierRun } = setup();
      const { schedule, event } = completedRun({
        delivery_options: { only_if_changed: onlyIfChanged },
      });
      if (hasEarlier) earlierRun(schedule.id, onlyIfChanged ? 'd'.repeat(64) : HASH);

      expect(await service.fanOut(event)).toHaveLength(3);
      expect(queue.jobs.size).toBe(3);
    });

    it('compares with the latest run that reached a recipient, not a later undelivered one', async () => {
      const { service, completedRun, earlierRun } = setup();
      const { schedule, event } = completedRun({ delivery_options: { only_if_changed: true } });
      earlierRun(schedule.id, HASH, true, '2026-11-23');
      earlierRun(schedule.id, 'd'.repeat(64), false, '2026-11-30');

      expect(await service.fanOut(event)).toEqual([]);
    });

    it('decides skip_if_empty before only_if_changed', async () => {
      const { service, completedRun, earlierRun, rowsOf } = setup();
      const { schedule, execution, event } = completedRun(
        { delivery_options: { skip_if_empty: true, only_if_changed: true } },
        { rows: 0 },
      );
      earlierRun(schedule.id, HASH);

      await service.fanOut(event);

      expect((await rowsOf(execution.id)).map((r) => r.metadata.reason)).toEqual([
        'empty',
        'empty',
        'empty',
      ]);
    });
  });

  describe('the same event handled twice', () => {
    it('adds no rows and re-enqueues the same pending ids, which Bull folds into their jobs', async () => {
      const { service, queue, completedRun, rowsOf } = setup();
      const { execution, event } = completedRun();
      const first = await service.fanOut(event);

      const second = await service.fanOut(event);

      expect(second.sort()).toEqual(first.sort());
      expect(await rowsOf(execution.id)).toHaveLength(3);
      expect(queue.requested).toHaveLength(6);
      expect(queue.jobs.size).toBe(3);
    });

    it('re-enqueues only the deliveries still pending', async () => {
      const { service, deliveries, queue, completedRun } = setup();
      const { event } = completedRun();
      const [sentId, ...rest] = await service.fanOut(event);
      deliveries.get(sentId).status = 'sent';
      queue.requested.length = 0;

      expect((await service.fanOut(event)).sort()).toEqual(rest.sort());
      expect(queue.requested.sort()).toEqual(rest.sort());
    });

    it('adds nothing and enqueues nothing for a run whose deliveries were skipped', async () => {
      const { service, queue, completedRun, rowsOf } = setup();
      const { execution, event } = completedRun(
        { delivery_options: { skip_if_empty: true } },
        { rows: 0 },
      );
      await service.fanOut(event);

      expect(await service.fanOut(event)).toEqual([]);
      expect(await rowsOf(execution.id)).toHaveLength(3);
      expect(queue.jobs.size).toBe(0);
    });
  });

  describe('the subscription', () => {
    it('handles execution.completed from the bus once subscribed in onModuleInit', async () => {
      const { service, bus, queue, completedRun, rowsOf } = setup();
      const { execution, event } = completedRun();
      await bus.publish('execution.completed', event.payload);
      expect(await rowsOf(execution.id)).toHaveLength(0);

      service.onModuleInit();
      await bus.publish('execution.completed', event.payload);

      expect(bus.subscribersOf('execution.completed')).toEqual(['delivery fan-out']);
      expect(await rowsOf(execution.id)).toHaveLength(3);
      expect(queue.jobs.size).toBe(3);
    });

    it('lets a failure reach the bus, so the event is retried', async () => {
      const { service, bus, deliveries, completedRun } = setup();
      const { event } = completedRun();
      service.onModuleInit();
      deliveries.breakOnce('createForExecution', new Error('deadlock detected'));

      await expect(bus.publish('execution.completed', event.payload)).rejects.toThrow(
        'deadlock detected',
      );
    });
  });
});
