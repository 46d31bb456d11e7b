import { nextRuns } from './schedule-calculator';
import type { ScheduleConfig } from './schedule-config';

const notesOf = (config: ScheduleConfig, after: string, count = 5) =>
  nextRuns(config, new Date(after), count).map((r) => r.note);

describe('nextRuns', () => {
  it('is strictly after `after`: a run exactly at `after` is not returned', () => {
    const runs = nextRuns(
      { cadence: 'daily', time: '09:00', timezone: 'UTC' },
      new Date('2026-12-01T09:00:00Z'),
      2,
    );
    expect(runs.map((r) => r.at.toISOString())).toEqual([
      '2026-12-02T09:00:00.000Z',
      '2026-12-03T09:00:00.000Z',
    ]);
  });

  it('gives the wall clock and offset of each run', () => {
    const [run] = nextRuns(
      { cadence: 'daily', time: '09:30', timezone: 'Asia/Kathmandu' },
      new Date('2026-12-01T00:00:00Z'),
      1,
    );
    expect(run).toMatchObject({
      local: '2026-12-01T09:30:00+05:45',
      utcOffset: '+05:45',
      nominalDate: '2026-12-01',
    });
  });

  it('notes a DST gap with the gap-end time and zone abbreviation', () => {
    const [run] = nextRuns(
      { cadence: 'daily', time: '02:30', timezone: 'America/New_York' },
      new Date('2027-03-13T12:00:00Z'),
      1,
    );
    expect(run.at.toISOString()).toBe('2027-03-14T07:00:00.000Z');
    expect(run.note).toEqual({
      code: 'dst_gap',
      message: '02:30 does not exist on 2027-03-14; runs at 03:00 EDT',
    });
  });

  it('notes a DST overlap and runs once, at the first occurrence', () => {
    const runs = nextRuns(
      { cadence: 'daily', time: '01:30', timezone: 'America/New_York' },
      new Date('2026-10-31T12:00:00Z'),
      2,
    );
    expect(runs[0].at.toISOString()).toBe('2026-11-01T05:30:00.000Z');
    expect(runs[0].note).toEqual({
      code: 'dst_overlap',
      message: '01:30 occurs twice on 2026-11-01; runs once, at 01:30 EDT',
    });
    expect(runs[1].at.toISOString()).toBe('2026-11-02T06:30:00.000Z');
  });

  it('notes month ends for monthly day 31', () => {
    const notes = notesOf(
      { cadence: 'monthly', time: '09:00', timezone: 'UTC', day_of_month: 31 },
      '2027-01-15T00:00:00Z',
      3,
    );
    expect(notes).toEqual([
      undefined,
      { code: 'month_end', message: 'day 31 → Feb 28' },
      undefined,
    ]);
  });

  it('notes weekend rolls of business-day schedules', () => {
    const [run] = nextRuns(
      {
        cadence: 'monthly',
        time: '09:00',
        timezone: 'America/New_York',
        day_of_month: 31,
        business_days_only: true,
      },
      new Date('2026-01-15T00:00:00Z'),
      1,
    );
    expect(run.at.toISOString()).toBe('2026-02-02T14:00:00.000Z');
    expect(run.nominalDate).toBe('2026-01-31');
    expect(run.note).toEqual({ code: 'business_roll', message: 'Sat 2026-01-31 → Mon 2026-02-02' });
  });

  it('rolls a weekly run off a public holiday of the calendar, naming it', () => {
    const config: ScheduleConfig = {
      cadence: 'weekly',
      time: '09:00',
      timezone: 'America/New_York',
      day_of_week: 1,
      business_days_only: true,
      holiday_calendar: 'US',
    };
    const runs = nextRuns(config, new Date('2027-05-25T00:00:00Z'), 2);
    expect(runs[0].at.toISOString()).toBe('2027-06-01T13:00:00.000Z');
    expect(runs[0].note).toEqual({
      code: 'holiday_roll',
      message: 'Mon 2027-05-31 (Memorial Day) → Tue 2027-06-01',
    });
    expect(runs[1].at.toISOString()).toBe('2027-06-07T13:00:00.000Z');
  });

  it('drops daily runs on holidays instead of rolling them', () => {
    const runs = nextRuns(
      {
        cadence: 'daily',
        time: '09:00',
        timezone: 'America/New_York',
        business_days_only: true,
        holiday_calendar: 'US',
      },
      new Date('2027-07-01T00:00:00Z'),
      3,
    );
    // Fri Jul 2, then Jul 5 is the observed Independence Day: Tue Jul 6, Wed Jul 7.
    expect(runs.map((r) => r.at.toISOString().slice(0, 10))).toEqual([
      '2027-07-01',
      '2027-07-02',
      '2027-07-06',
    ]);
  });

  it('notes a cron day-31 entry skipping a short month', () => {
    const runs = nextRuns(
      { cadence: 'cron', timezone: 'UTC', cron_expression: '0 9 31 * *' },
      new Date('2027-03-15T00:00:00Z'),
      2,
    );
    expect(runs.map((r) => r.at.toISOString())).toEqual([
      '2027-03-31T09:00:00.000Z',
      '2027-05-31T09:00:00.000Z',
    ]);
    expect(runs[1].note).toEqual({
      code: 'cron_skips_month',
      message: 'no day 31 in April; cron skips that month',
    });
  });

  it('runs a wildcard cron at both occurrences of a repeated hour', () => {
    const runs = nextRuns(
      { cadence: 'cron', timezone: 'America/New_York', cron_expression: '*/30 1 * * *' },
      new Date('2026-11-01T04:00:00Z'),
      4,
    );
    expect(runs.map((r) => r.at.toISOString())).toEqual([
      '2026-11-01T05:00:00.000Z',
      '2026-11-01T05:30:00.000Z',
      '2026-11-01T06:00:00.000Z',
      '2026-11-01T06:30:00.000Z',
    ]);
  });

  it('returns fewer runs for an entry that rarely fires, and none for count 0', () => {
    expect(
      nextRuns(
        { cadence: 'cron', timezone: 'UTC', cron_expression: '0 9 30 2 *' },
        new Date('2026-01-01T00:00:00Z'),
        1,
      ),
    ).toEqual([]);
    expect(nextRuns({ cadence: 'daily', time: '09:00', timezone: 'UTC' }, new Date(), 0)).toEqual(
      [],
    );
  });
});
