import type { ScheduleConfig } from 'src/modules/schedules/calendar/schedule-config';
import { nextRuns } from 'src/modules/schedules/calendar/schedule-calculator';
import { addZones, FaultZone, writeTzdataFile } from 'test/utils/fault-zone';
import { SchedulerProcess } from 'test/utils/scheduler-process';
import { SlotLedger } from 'test/utils/slot-ledger';
import { waitFor } from 'test/utils/wait-for';

jest.setTimeout(180_000);

const SHIFT_MS = 15_000;
const QUARTER = SHIFT_MS / 60_000;
const everyMinute = (timezone: string): ScheduleConfig => ({
  cadence: 'cron',
  cron_expression: '* * * * *',
  timezone,
});

/**
 * A tz database update under live schedules: their next runs were computed with one version
 * (2099a) and a scheduler reads the next (2099b), in which one zone's offset moves its slots
 * 15 s later and another's 15 s earlier. Each slot runs exactly once, at its new instant: not
 * twice (once at the old instant, once at the new), and not late.
 */
describe('a tz data change under live schedules', () => {
  const ledger = new SlotLedger();
  const scheduler = new SchedulerProcess();
  // Four of each, a quarter minute apart: the test takes the pair whose slots come soonest,
  // instead of waiting up to a minute and a half for a UTC minute.
  const quarters = [0, 1, 2, 3];
  const zonesOf = (laterEast: number, earlierEast: number): FaultZone[] =>
    quarters.flatMap((q) => [
      { name: `Fault/Later${q}`, eastMinutes: (q + laterEast) * QUARTER },
      { name: `Fault/Earlier${q}`, eastMinutes: (q + earlierEast) * QUARTER },
    ]);
  const v1 = zonesOf(1, 1);
  const v2 = zonesOf(0, 2);

  beforeAll(() => ledger.createOrg());
  afterAll(async () => {
    await scheduler.kill();
    await ledger.close();
  });

  it('neither repeats nor drops nor delays the slot it moved', async () => {
    await scheduler.start({ tzdataFile: writeTzdataFile('v2', '2099b', v2) });
    // The schedules as an API process still on the old data computed them.
    addZones(v1);
    const now = (await ledger.databaseNow()).getTime();
    const soonest = (prefix: string, after: Date) =>
      quarters
        .map((q) => everyMinute(`${prefix}${q}`))
        .map((config) => ({ config, slot: nextRuns(config, after, 1)[0] }))
        .reduce((best, c) => (c.slot.at < best.slot.at ? c : best));
    const { config: later, slot: laterSlot } = soonest('Fault/Later', new Date(now + 10_000));
    const { config: earlier, slot: earlierSlot } = soonest('Fault/Earlier', new Date(now + 25_000));
    const [laterId] = await ledger.addSchedules(later, new Date(laterSlot.at.getTime() - 1), 1);
    const [earlierId] = await ledger.addSchedules(
      earlier,
      new Date(earlierSlot.at.getTime() - 1),
      1,
    );
    await ledger.pool.query(
      `INSERT INTO tzdata_state (id, version) VALUES (1, '2099a')
       ON CONFLICT (id) DO UPDATE SET version = '2099a'`,
    );
    const newLater = new Date(laterSlot.at.getTime() + SHIFT_MS);
    const newEarlier = new Date(earlierSlot.at.getTime() - SHIFT_MS);

    // Done with these slots once each schedule's next run is past the slot's new instant.
    await waitFor(
      'both slots to be claimed and their schedules advanced',
      async () => {
        const next = await ledger.nextRuns();
        return (
          (next.get(laterId)?.at ?? 0) > newLater && (next.get(earlierId)?.at ?? 0) > newEarlier
        );
      },
      // Both new instants are at most 40 s away; room for a few ticks on a loaded host.
      Math.max(newLater.getTime(), newEarlier.getTime()) - now + 45_000,
    );

    const rows = await ledger.executions();
    const of = (id: string, slot: Date) =>
      rows.filter((r) => r.scheduled_report_id === id && r.scheduled_for <= slot);
    expect(of(laterId, newLater).map((r) => [r.scheduled_for, r.slot_local])).toEqual([
      [newLater, laterSlot.slot.local],
    ]);
    expect(of(earlierId, newEarlier).map((r) => [r.scheduled_for, r.slot_local])).toEqual([
      [newEarlier, earlierSlot.slot.local],
    ]);
    // Claimed at its new instant, not at the old, later one.
    expect(of(earlierId, newEarlier)[0].created_at.getTime()).toBeLessThan(
      earlierSlot.at.getTime(),
    );
    const [state] = (await ledger.pool.query(`SELECT version FROM tzdata_state`)).rows;
    expect(state.version).toBe('2099b');
  });
});
