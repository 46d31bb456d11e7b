import { nextRuns } from 'src/modules/schedules/calendar/schedule-calculator';
import type { ScheduleConfig } from 'src/modules/schedules/calendar/schedule-config';
import { addZones, writeTzdataFile } from 'test/utils/fault-zone';
import { SchedulerProcess } from 'test/utils/scheduler-process';
import { SlotLedger } from 'test/utils/slot-ledger';
import { waitFor } from 'test/utils/wait-for';
import moment from 'moment-timezone';

jest.setTimeout(150_000);

const TEN_MINUTES = 10 * 60_000;

/**
 * Two real scheduler processes whose clocks read 10 minutes ahead and 10 minutes behind. Claims
 * go by the database's clock, so each slot runs once, at its time: none early, none skipped.
 */
describe('schedulers with skewed clocks', () => {
  const ledger = new SlotLedger();
  const ahead = new SchedulerProcess();
  const behind = new SchedulerProcess();

  beforeAll(() => ledger.createOrg());
  afterAll(async () => {
    await Promise.all([ahead.kill(), behind.kill()]);
    await ledger.close();
  });

  it('run each slot once, none early and none skipped', async () => {
    // Every-minute crons in four zones a quarter minute apart: once the schedulers are up, the
    // test picks the zone whose next slot is soonest, instead of waiting for a UTC minute.
    const zones = [0, 1, 2, 3].map((q) => ({ name: `Fault/Skew${q}`, eastMinutes: q / 4 }));
    addZones(zones);
    const tzdataFile = writeTzdataFile('skew', moment.tz.dataVersion, zones);
    await Promise.all([
      ahead.start({ clockSkewMs: TEN_MINUTES, tzdataFile }),
      behind.start({ clockSkewMs: -TEN_MINUTES, tzdataFile }),
    ]);

    const soon = new Date((await ledger.databaseNow()).getTime() + 5_000);
    const configs: ScheduleConfig[] = zones.map((z) => ({
      cadence: 'cron',
      cron_expression: '* * * * *',
      timezone: z.name,
    }));
    const config = configs.reduce((best, c) =>
      nextRuns(c, soon, 1)[0].at < nextRuns(best, soon, 1)[0].at ? c : best,
    );
    const next = nextRuns(config, soon, 1)[0].at;
    const due = new Date(next.getTime() - 60_000); // already due: claimed at once
    const ids = await ledger.addSchedules(config, new Date(due.getTime() - 1), 5);
    await waitFor(
      'both slots of every schedule to be claimed',
      async () => {
        const claimed = (await ledger.executions()).filter((e) => e.scheduled_for >= next);
        return claimed.length === ids.length;
      },
      60_000,
    );

    const rows = await ledger.executions();
    for (const id of ids) {
      const slots = rows.filter((r) => r.scheduled_report_id === id);
      expect(slots.map((r) => r.scheduled_for)).toEqual([due, next]);
    }
    // Claimed by the database's clock: never before the slot's instant.
    for (const row of rows)
      expect(row.created_at.getTime()).toBeGreaterThanOrEqual(row.scheduled_for.getTime());
    expect(await ledger.skippedSlotEntries()).toBe(0);
  });
});
