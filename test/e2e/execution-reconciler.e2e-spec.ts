import { getQueueToken } from '@nestjs/bull';
import { SchedulerRegistry } from '@nestjs/schedule';
import type { Queue } from 'bull';
import {
  ExecutionReconcilerService,
  MAX_REQUEUES,
} from 'src/modules/scheduler/execution-reconciler.service';
import { Clock } from 'src/common/clock';
import { GENERATION_QUEUE } from 'src/queue/queue.constants';
import { OperationCounters } from 'src/modules/metrics/operation-counters';
import { newOrg } from 'test/factories';
import { useManualTicks } from 'test/utils/manual-ticks';
import { createTestApp, TestApp } from 'test/utils/test-app';

jest.setTimeout(60_000);

/** A daily schedule row, inserted directly: these tests make their own executions for it. */
async function insertDailySchedule(
  t: TestApp,
  orgId: string,
  name: string,
): Promise<{ id: string }> {
  const [schedule] = await t.db.query(
    `INSERT INTO scheduled_reports (organization_id, created_by, name, report_type, schedule_config, output_format)
     VALUES ($1, 'someone', $2, 'invoice_summary', '{"cadence":"daily","time":"09:00","timezone":"UTC"}', 'csv')
     RETURNING id`,
    [orgId, name],
  );
  return schedule;
}

// A scheduler process only: what it enqueues stays waiting, so the test decides when a job is lost.
describe('execution reconciler', () => {
  let t: TestApp;
  let queue: Queue;
  let reconciler: ExecutionReconcilerService;

  beforeAll(async () => {
    t = await createTestApp({ role: 'scheduler' });
    useManualTicks(t.app);
    // Its 10-second pass would race the test's own calls.
    t.app.get(SchedulerRegistry).deleteInterval('execution-reconciler');
    queue = t.app.get<Queue>(getQueueToken(GENERATION_QUEUE));
    reconciler = t.app.get(ExecutionReconcilerService);
  });
  afterAll(() => t.close());

  /** What /metrics reports for this reconciler and action. */
  const counted = async (action: string) => {
    const text = await t.app.get(OperationCounters).registry.metrics();
    const line = new RegExp(
      `^scheduled_reports_reconciler_actions_total\\{reconciler="executions",action="${action}"\\} (\\d+)$`,
      'm',
    ).exec(text);
    return line ? Number(line[1]) : 0;
  };

  it('enqueues a pending run whose job never reached Redis, once', async () => {
    const orgId = (await newOrg(t.db)).id;
    const schedule = await insertDailySchedule(t, orgId, 'lost enqueue');
    // Dispatched a minute ago, its enqueue lost (Redis down, or the process died in between).
    const [execution] = await t.db.query(
      `INSERT INTO report_executions (organization_id, scheduled_report_id, trigger, scheduled_for, status, created_at, dispatched_at)
       VALUES ($1, $2, 'schedule', now(), 'pending', now() - interval '1 minute', now() - interval '1 minute') RETURNING id`,
      [orgId, schedule.id],
    );
    expect(await queue.getJob(execution.id)).toBeNull();

    expect(await reconciler.reconcile()).toBe(1);
    expect(await counted('requeued')).toBe(1);
    const job = await queue.getJob(execution.id);
    expect(job?.data).toEqual({ executionId: execution.id, orgId });
    expect(await job?.getState()).toBe('waiting');
    // The queue holds it now: another pass adds nothing.
    expect(await reconciler.reconcile()).toBe(0);
    await job?.remove();
  });

  it('requeues a running run whose job was lost, but gives up on one that keeps killing its worker', async () => {
    const orgId = (await newOrg(t.db)).id;
    const [schedule] = await t.db.query(
      `INSERT INTO scheduled_reports (organization_id, created_by, name, report_type, schedule_config, output_format, status)
       VALUES ($1, 'someone', 'crashy', 'invoice_summary', '{"cadence":"daily","time":"09:00","timezone":"UTC"}', 'csv', 'paused')
       RETURNING id`,
      [orgId],
    );
    const [execution] = await t.db.query(
      `INSERT INTO report_executions (organization_id, scheduled_report_id, trigger, scheduled_for, status, started_at)
       VALUES ($1, $2, 'manual', now(), 'running', now() - interval '1 hour') RETURNING id`,
      [orgId, schedule.id],
    );
    const state = async () =>
      (
        await t.db.query(
          `SELECT status, error_message, metadata->>'requeues' AS requeues FROM report_executions WHERE id = $1`,
          [execution.id],
        )
      )[0];

    for (let requeue = 1; requeue <= MAX_REQUEUES; requeue += 1) {
      await reconciler.reconcile();
      expect(await queue.getJob(execution.id)).not.toBeNull();
      expect(await state()).toMatchObject({ status: 'running', requeues: String(requeue) });
      await (await queue.getJob(execution.id))!.remove(); // the worker dies with it, again
    }
    await reconciler.reconcile();
    expect(await queue.getJob(execution.id)).toBeNull();
    const final = await state();
    expect(final.status).toBe('failed');
    expect(final.error_message).toMatch(/gave up: the job's worker stopped .* 4 times/);
    expect(await counted('given_up')).toBe(1);
    const notices = await t.db.query(`SELECT kind FROM notices WHERE subject_id = $1`, [
      execution.id,
    ]);
    expect(notices).toEqual([{ kind: 'execution_failed' }]);
  });
});

/** A process whose own clock runs ten minutes fast; the database's is right. */
class FastProcessClock extends Clock {
  override now(): Date {
    return new Date(Date.now() + 10 * 60_000);
  }
}

describe('execution reconciler on a process whose clock runs fast', () => {
  let t: TestApp;
  let queue: Queue;

  beforeAll(async () => {
    t = await createTestApp({ role: 'scheduler', clock: new FastProcessClock() });
    useManualTicks(t.app);
    t.app.get(SchedulerRegistry).deleteInterval('execution-reconciler');
    queue = t.app.get<Queue>(getQueueToken(GENERATION_QUEUE));
  });
  afterAll(() => t.close());

  it('measures its grace on the database clock, so a run dispatched just now is left to its enqueue', async () => {
    const orgId = (await newOrg(t.db)).id;
    const schedule = await insertDailySchedule(t, orgId, 'just dispatched');
    // Dispatched by the database's clock a moment ago: its enqueue may still be on its way.
    const [execution] = await t.db.query(
      `INSERT INTO report_executions (organization_id, scheduled_report_id, trigger, scheduled_for, status, dispatched_at)
       VALUES ($1, $2, 'schedule', now(), 'pending', now()) RETURNING id`,
      [orgId, schedule.id],
    );
    const reconciler = t.app.get(ExecutionReconcilerService);

    expect(await reconciler.reconcile()).toBe(0);
    expect(await queue.getJob(execution.id)).toBeNull();

    // Past the grace by the database's clock, it is the reconciler's to enqueue.
    await t.db.query(
      `UPDATE report_executions SET dispatched_at = now() - interval '1 minute' WHERE id = $1`,
      [execution.id],
    );
    expect(await reconciler.reconcile()).toBe(1);
    await (await queue.getJob(execution.id))?.remove();
  });
});
