import type { ScheduleConfig } from 'src/modules/schedules/calendar/schedule-config';
import { planDueSlot } from './plan-due-slot';

const HOUR = 3_600_000;
const halfHourly: ScheduleConfig = {
  cadence: 'cron',
  time: null,
  timezone: 'UTC',
  cron_expression: '0,30 * * * *',
};
const daily: ScheduleConfig = { cadence: 'daily', time: '09:00', timezone: 'UTC' };
const at = (iso: string) => new Date(iso);

describe('planDueSlot', () => {
  it('runs a slot found on time and advances from the slot, not from now', () => {
    const plan = planDueSlot(daily, at('2026-12-01T09:00:00Z'), at('2026-12-01T09:00:03Z'), HOUR);
    expect(plan).toEqual({
      run: at('2026-12-01T09:00:00Z'),
      runKey: { local: '2026-12-01T09:00', fold: 0 },
      skipped: [],
      skippedCount: 0,
      nextRunAt: at('2026-12-02T09:00:00Z'),
      nextKey: { local: '2026-12-02T09:00', fold: 0 },
    });
  });

  it('after a 3-hour outage runs the latest missed slot once and records the others', () => {
    const plan = planDueSlot(
      halfHourly,
      at('2026-12-02T06:30:00Z'),
      at('2026-12-02T09:10:00Z'),
      HOUR,
    );
    expect(plan.run).toEqual(at('2026-12-02T09:00:00Z'));
    expect(plan.skipped.map((d) => d.toISOString().slice(11, 16))).toEqual([
      '06:30',
      '07:00',
      '07:30',
      '08:00',
      '08:30',
    ]);
    expect(plan.skippedCount).toBe(5);
    expect(plan.nextRunAt).toEqual(at('2026-12-02T09:30:00Z'));
  });

  it('skips, rather than runs late, a slot older than the grace window', () => {
    const plan = planDueSlot(daily, at('2026-12-03T09:00:00Z'), at('2026-12-03T11:00:00Z'), HOUR);
    expect(plan).toEqual({
      run: null,
      runKey: null,
      skipped: [at('2026-12-03T09:00:00Z')],
      skippedCount: 1,
      nextRunAt: at('2026-12-04T09:00:00Z'),
      nextKey: { local: '2026-12-04T09:00', fold: 0 },
    });
  });

  it('with a zero grace window still runs a slot claimed exactly on time', () => {
    const plan = planDueSlot(daily, at('2026-12-03T09:00:00Z'), at('2026-12-03T09:00:00Z'), 0);
    expect(plan.run).toEqual(at('2026-12-03T09:00:00Z'));
  });

  it('caps the record of a very long outage but counts every skipped slot', () => {
    const every5: ScheduleConfig = {
      cadence: 'cron',
      time: null,
      timezone: 'UTC',
      cron_expression: '*/5 * * * *',
    };
    const plan = planDueSlot(every5, at('2026-12-01T00:00:00Z'), at('2026-12-03T00:02:00Z'), HOUR);
    expect(plan.run).toEqual(at('2026-12-03T00:00:00Z'));
    expect(plan.skipped).toHaveLength(100);
    expect(plan.skippedCount).toBe(2 * 24 * 12);
  });

  it('keeps the stored key of the slot it runs, even where the instant would read otherwise', () => {
    const key = { local: '2026-12-01T08:00', fold: 0 as const };
    const plan = planDueSlot(
      daily,
      at('2026-12-01T09:00:00Z'),
      at('2026-12-01T09:00:03Z'),
      HOUR,
      key,
    );
    expect(plan.runKey).toEqual(key);
  });

  it('does not take a slot that newer tz data moved later for its own successor', () => {
    // Stored at 08:59:45 by older data; the current data puts the same 09:00 slot at 09:00.
    const key = { local: '2026-12-01T09:00', fold: 0 as const };
    const plan = planDueSlot(
      daily,
      at('2026-12-01T08:59:45Z'),
      at('2026-12-01T08:59:50Z'),
      HOUR,
      key,
    );
    expect(plan.runKey).toEqual(key);
    expect(plan.nextKey).toEqual({ local: '2026-12-02T09:00', fold: 0 });
    expect(plan.nextRunAt).toEqual(at('2026-12-02T09:00:00Z'));
  });
});
