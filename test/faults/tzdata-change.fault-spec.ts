import moment from 'moment-timezone';
import type { ScheduleConfig } from 'src/modules/schedules/calendar/schedule-config';
import { addZones, FaultZone, offsetPlacing, writeTzdataFile } from 'test/utils/fault-zone';
import { SchedulerProcess } from 'test/utils/scheduler-process';
import { SlotLedger } from 'test/utils/slot-ledger';
import { waitFor } from 'test/utils/wait-for';

jest.setTimeout(90_000);

const DAY_MS = 86_400_000;

/**
 * A tz database update under live schedules: the schedules' next runs were computed with one
 * version (2099a), then a scheduler with the next (2099b) takes over. One zone's offset moved
 * its daily 12:00 slot 15 s later, another's 15 s earlier. Each slot runs exactly once, at its
 * new instant: not twice (once at the old instant, once at the new), not late.
 */
describe('a tz data change under live schedules', () => {
  const ledger = new SlotLedger();
  const scheduler = new SchedulerProcess();

  beforeAll(() => ledger.createOrg());
  afterAll(async () => {
    await scheduler.kill();
    await ledger.close();
  });

  it('neither repeats nor drops nor delays the slot it moved', async () => {
    const now = (await ledger.databaseNow()).getTime();
    const wall = `${new Date(now).toISOString().slice(0, 10)}T12:00`;
    const oldLater = now + 25_000;
    const oldEarlier = now + 40_000;
    const v1: FaultZone[] = [
      { name: 'Fault/Later', eastMinutes: offsetPlacing(wall, oldLater) },
      { name: 'Fault/Earlier', eastMinutes: offsetPlacing(wall, oldEarlier) },
    ];
    const v2: FaultZone[] = [
      { name: 'Fault/Later', eastMinutes: v1[0].eastMinutes - 0.25 },
      { name: 'Fault/Earlier', eastMinutes: v1[1].eastMinutes + 0.25 },
    ];
    // The schedules as an API process with the old data computed them.
    addZones(v1);
    const daily = (timezone: string): ScheduleConfig => ({
      cadence: 'daily',
      time: '12:00',
      timezone,
    });
    const after = new Date(now);
    const [later] = await ledger.addSchedules(daily('Fault/Later'), after, 1);
    const [earlier] = await ledger.addSchedules(daily('Fault/Earlier'), after, 1);
    const before = await ledger.nextRuns();
    expect(before.get(later)?.local).toBe(wall);
    await ledger.pool.query(
      `INSERT INTO tzdata_state (id, version) VALUES (1, '2099a')
       ON CONFLICT (id) DO UPDATE SET version = '2099a'`,
    );
    // The new instants, as the new data gives them (15 s = the quarter minute the offsets moved).
    const newLater = new Date((before.get(later)?.at.getTime() ?? 0) + 15_000);
    const newEarlier = new Date((before.get(earlier)?.at.getTime() ?? 0) - 15_000);

    await scheduler.start({ tzdataFile: writeTzdataFile('v2', '2099b', v2) });
    // Both slots claimed, and the moved-later one's next run is the next day's: whatever the
    // scheduler was going to do with today's slot is done.
    await waitFor(
      'both slots to be claimed and the next runs advanced to tomorrow',
      async () => {
        const next = await ledger.nextRuns();
        return [later, earlier].every((id) => (next.get(id)?.at.getTime() ?? 0) > now + DAY_MS / 2);
      },
      60_000,
    );

    const rows = await ledger.executions();
    const of = (id: string) => rows.filter((r) => r.scheduled_report_id === id);
    expect(of(later).map((r) => [r.scheduled_for, r.slot_local])).toEqual([[newLater, wall]]);
    expect(of(earlier).map((r) => [r.scheduled_for, r.slot_local])).toEqual([[newEarlier, wall]]);
    // Claimed at its new instant, not at the later old one.
    expect(of(earlier)[0].created_at.getTime()).toBeLessThan(
      before.get(earlier)?.at.getTime() ?? 0,
    );
    const next = await ledger.nextRuns();
    const tomorrow = new Date(Date.parse(`${wall}:00Z`) + DAY_MS).toISOString().slice(0, 16);
    expect(next.get(later)?.local).toBe(tomorrow);
    expect(next.get(later)?.at.getTime()).toBe(newLater.getTime() + DAY_MS);
    const [state] = (await ledger.pool.query(`SELECT version FROM tzdata_state`)).rows;
    expect(state.version).toBe('2099b');
    expect(moment.tz.dataVersion).not.toBe('2099b'); // the test process kept its own data
  });
});
