import type { ScheduleConfig } from 'src/modules/schedules/calendar/schedule-config';
import { SchedulerProcess } from 'test/utils/scheduler-process';
import { SlotLedger } from 'test/utils/slot-ledger';
import { waitFor } from 'test/utils/wait-for';

jest.setTimeout(150_000);

const SCHEDULES = 1000;

/**
 * A scheduler SIGKILLed in the middle of a long tick (1,000 due schedules, 10 per transaction).
 * Each batch commits its executions with the advance of its schedules, so the kill leaves
 * batches either done or not begun; after a restart every due slot has exactly one execution.
 */
describe('a scheduler killed mid-tick', () => {
  const ledger = new SlotLedger();
  const first = new SchedulerProcess();
  const second = new SchedulerProcess();
  const env = { SCHEDULER_BATCH_SIZE: '10' };

  beforeAll(() => ledger.createOrg());
  afterAll(async () => {
    await Promise.all([first.kill(), second.kill()]);
    await ledger.close();
  });

  const count = async () => {
    const { rows } = await ledger.pool.query(
      `SELECT count(*)::int AS n FROM report_executions WHERE organization_id = $1`,
      [ledger.orgId],
    );
    return rows[0].n as number;
  };

  it('leaves every due slot with exactly one execution after a restart', async () => {
    const now = await ledger.databaseNow();
    // A daily slot a minute ago: due, well inside the misfire grace, the next one a day away.
    const minuteAgo = new Date(now.getTime() - 60_000);
    const config: ScheduleConfig = {
      cadence: 'cron',
      cron_expression: `${minuteAgo.getUTCMinutes()} ${minuteAgo.getUTCHours()} * * *`,
      timezone: 'UTC',
    };
    await ledger.addSchedules(config, new Date(now.getTime() - 120_000), SCHEDULES);
    const slot = (await ledger.nextRuns()).values().next().value?.at as Date;
    expect(slot.getTime()).toBeLessThanOrEqual(now.getTime());

    await first.start({ env });
    await waitFor('the tick to be under way', async () => (await count()) >= 50, 30_000, 10);
    await first.kill();
    const atKill = await count();
    expect(atKill).toBeLessThan(SCHEDULES);
    // Committed batches advanced their schedules; no schedule is advanced without its run.
    const { rows: torn } = await ledger.pool.query(
      `SELECT count(*)::int AS n FROM scheduled_reports s
        WHERE s.organization_id = $1 AND s.next_run_at > $2
          AND NOT EXISTS (SELECT 1 FROM report_executions e WHERE e.scheduled_report_id = s.id)`,
      [ledger.orgId, slot],
    );
    expect(torn[0].n).toBe(0);

    await second.start({ env });
    await waitFor(
      'every schedule to be claimed',
      async () => (await count()) === SCHEDULES,
      60_000,
    );
    const rows = await ledger.executions();
    expect(new Set(rows.map((r) => r.scheduled_report_id)).size).toBe(SCHEDULES);
    expect(rows.every((r) => r.scheduled_for.getTime() === slot.getTime())).toBe(true);
    const next = await ledger.nextRuns();
    expect([...next.values()].every((n) => n.at.getTime() === slot.getTime() + 86_400_000)).toBe(
      true,
    );
  });
});
