import { nextRuns } from './schedule-calculator';
import { compareSlotKeys, runOnOrAfter, slotKeyAt } from './slot-keys';

describe('slot keys (a run by its nominal local time)', () => {
  const keys = (runs: ReturnType<typeof nextRuns>) => runs.map((r) => r.slot);

  it('name the local date and time the schedule asked for', () => {
    const runs = nextRuns(
      { cadence: 'daily', time: '09:00', timezone: 'Europe/Berlin' },
      new Date('2026-12-01T00:00:00Z'),
      2,
    );
    expect(keys(runs)).toEqual([
      { local: '2026-12-01T09:00', fold: 0 },
      { local: '2026-12-02T09:00', fold: 0 },
    ]);
  });

  it('keep the nominal time of a run a DST gap moved', () => {
    const [run] = nextRuns(
      { cadence: 'daily', time: '02:30', timezone: 'America/New_York' },
      new Date('2027-03-13T12:00:00Z'),
      1,
    );
    expect(run.local).toBe('2027-03-14T03:00:00-04:00');
    expect(run.slot).toEqual({ local: '2027-03-14T02:30', fold: 0 });
  });

  it('keep the nominal date of a run a weekend rolled', () => {
    const [run] = nextRuns(
      {
        cadence: 'monthly',
        time: '09:00',
        timezone: 'UTC',
        day_of_month: 31,
        business_days_only: true,
      },
      new Date('2027-01-01T00:00:00Z'),
      1,
    );
    expect(run.local.slice(0, 10)).toBe('2027-02-01');
    expect(run.slot).toEqual({ local: '2027-01-31T09:00', fold: 0 });
  });

  it('tell the two occurrences of a repeated wall time apart', () => {
    const runs = nextRuns(
      { cadence: 'cron', cron_expression: '30 * * * *', timezone: 'America/New_York' },
      new Date('2027-11-07T04:00:00Z'),
      3,
    );
    expect(keys(runs)).toEqual([
      { local: '2027-11-07T00:30', fold: 0 },
      { local: '2027-11-07T01:30', fold: 0 },
      { local: '2027-11-07T01:30', fold: 1 },
    ]);
  });
});

describe('finding a slot again by its key', () => {
  const daily = { cadence: 'daily' as const, time: '09:00', timezone: 'Asia/Kathmandu' };

  it('gives the run at or after the key, and a key for an instant no run matches', () => {
    expect(runOnOrAfter(daily, { local: '2026-12-01T09:00', fold: 0 })?.at).toEqual(
      new Date('2026-12-01T03:15:00Z'),
    );
    expect(runOnOrAfter(daily, { local: '2026-12-01T09:01', fold: 0 })?.slot).toEqual({
      local: '2026-12-02T09:00',
      fold: 0,
    });
    expect(slotKeyAt(daily, new Date('2026-12-01T03:15:00Z'))).toEqual({
      local: '2026-12-01T09:00',
      fold: 0,
    });
    expect(slotKeyAt(daily, new Date('2026-12-01T03:16:00Z'))).toEqual({
      local: '2026-12-01T09:01',
      fold: 0,
    });
  });

  it('walks past many runs of a frequent cron', () => {
    const cron = { cadence: 'cron' as const, cron_expression: '* * * * *', timezone: 'UTC' };
    expect(runOnOrAfter(cron, { local: '2026-12-01T23:59', fold: 0 })?.at).toEqual(
      new Date('2026-12-01T23:59:00Z'),
    );
  });

  it('orders keys by local time, then fold', () => {
    const sorted = [
      { local: '2026-11-01T01:30', fold: 1 as const },
      { local: '2026-11-01T01:31', fold: 0 as const },
      { local: '2026-11-01T01:30', fold: 0 as const },
    ].sort(compareSlotKeys);
    expect(sorted.map((k) => `${k.local}/${k.fold}`)).toEqual([
      '2026-11-01T01:30/0',
      '2026-11-01T01:30/1',
      '2026-11-01T01:31/0',
    ]);
  });
});
