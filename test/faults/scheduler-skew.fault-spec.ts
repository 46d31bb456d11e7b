import { nextRuns } from 'src/modules/schedules/calendar/schedule-calculator';
import type { ScheduleConfig } from 'src/modules/schedules/calendar/schedule-config';
import { addZones, offsetPlacing, writeTzdataFile } from 'test/utils/fault-zone';
import { SchedulerProcess } from 'test/utils/scheduler-process';
import { SlotLedger } from 'test/utils/slot-ledger';
import { waitFor } from 'test/utils/wait-for';
import moment from 'moment-timezone';

jest.setTimeout(90_000);

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
    // An every-minute cron in a zone whose minutes start ~25 s from now: one slot already due
    // when the schedulers boot, the next soon after, instead of waiting for a UTC minute.
    const nextSlot = (await ledger.databaseNow()).getTime() + 25_000;
    const zone = {
      name: 'Fault/Skew',
      eastMinutes: offsetPlacing(new Date(nextSlot).toISOString().slice(0, 16), nextSlot),
    };
    addZones([zone]);
    const config: ScheduleConfig = {
      cadence: 'cron',
      cron_expression: '* * * * *',
      timezone: zone.name,
    };
    const [due, next] = nextRuns(config, new Date(nextSlot - 61_000), 2).map((r) => r.at);
    const ids = await ledger.addSchedules(config, new Date(due.getTime() - 1), 5);
    const tzdataFile = writeTzdataFile('skew', moment.tz.dataVersion, [zone]);

    await Promise.all([
      ahead.start({ clockSkewMs: TEN_MINUTES, tzdataFile }),
      behind.start({ clockSkewMs: -TEN_MINUTES, tzdataFile }),
    ]);
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
