import { nextRuns } from './schedule-calculator';
import type { ScheduleConfig } from './schedule-config';

const NY = 'America/New_York';
const runsOf = (config: ScheduleConfig, after: string, count = 5) =>
  nextRuns(config, new Date(after), count);
const instants = (config: ScheduleConfig, after: string, count = 5) =>
  runsOf(config, after, count).map((r) => r.at.toISOString());
const daily = (time: string, timezone: string, extra: Partial<ScheduleConfig> = {}) =>
  ({ cadence: 'daily', time, timezone, ...extra }) as ScheduleConfig;
const cron = (cron_expression: string, timezone: string, extra: Partial<ScheduleConfig> = {}) =>
  ({ cadence: 'cron', time: null, timezone, cron_expression, ...extra }) as ScheduleConfig;

describe('nextRuns', () => {
  it('is strictly after `after`: a run exactly at `after` is not returned', () => {
    expect(instants(daily('09:00', 'UTC'), '2026-12-01T09:00:00Z', 2)).toEqual([
      '2026-12-02T09:00:00.000Z',
      '2026-12-03T09:00:00.000Z',
    ]);
    expect(instants(daily('09:00', 'UTC'), '2026-12-01T08:59:59.999Z', 1)).toEqual([
      '2026-12-01T09:00:00.000Z',
    ]);
  });

  it('gives the wall clock, offset, nominal date and slot key of each run', () => {
    const [run] = runsOf(daily('09:30', 'Asia/Kathmandu'), '2026-12-01T00:00:00Z', 1);
    expect(run).toEqual({
      at: new Date('2026-12-01T03:45:00Z'),
      local: '2026-12-01T09:30:00+05:45',
      utcOffset: '+05:45',
      nominalDate: '2026-12-01',
      slot: { local: '2026-12-01T09:30', fold: 0 },
    });
  });

  it('returns [] for count 0 and throws on a config the validator rejects', () => {
    expect(runsOf(daily('09:00', 'UTC'), '2026-01-01T00:00:00Z', 0)).toEqual([]);
    expect(() => runsOf(daily('09:00', 'Mars/Base'), '2026-01-01T00:00:00Z')).toThrow(RangeError);
    expect(() => runsOf(daily('9am', 'UTC'), '2026-01-01T00:00:00Z')).toThrow(RangeError);
    expect(() => nextRuns(daily('09:00', 'UTC'), new Date('nope'), 1)).toThrow(RangeError);
    expect(() => nextRuns(daily('09:00', 'UTC'), new Date(), Infinity)).toThrow(RangeError);
  });

  describe('DST notes', () => {
    it('runs a missing time at the gap end and says so, with the zone abbreviation', () => {
      const [gap, after] = runsOf(daily('02:30', NY), '2027-03-13T12:00:00Z', 2);
      expect(gap.at.toISOString()).toBe('2027-03-14T07:00:00.000Z');
      expect(gap.local).toBe('2027-03-14T03:00:00-04:00');
      expect(gap.note).toEqual({
        code: 'dst_gap',
        message: '02:30 does not exist on 2027-03-14; runs at 03:00 EDT',
      });
      expect(after.note).toBeUndefined();
    });

    it('gives the offset where the zone has no abbreviation (Chatham, 45-minute gap start)', () => {
      const [run] = runsOf(daily('03:00', 'Pacific/Chatham'), '2026-09-26T00:00:00Z', 1);
      expect(run.at.toISOString()).toBe('2026-09-26T14:00:00.000Z');
      expect(run.note).toEqual({
        code: 'dst_gap',
        message: '03:00 does not exist on 2026-09-27; runs at 03:45 UTC+13:45',
      });
    });

    it('runs a repeated time once, at the first occurrence, and says so', () => {
      const runs = runsOf(daily('01:30', NY), '2026-10-31T12:00:00Z', 2);
      expect(runs.map((r) => r.at.toISOString())).toEqual([
        '2026-11-01T05:30:00.000Z',
        '2026-11-02T06:30:00.000Z',
      ]);
      expect(runs[0].note).toEqual({
        code: 'dst_overlap',
        message: '01:30 occurs twice on 2026-11-01; runs once, at 01:30 EDT',
      });
    });

    it('runs a fixed-time cron entry once in the overlap, with the note', () => {
      const runs = runsOf(cron('30 1 * * *', NY), '2026-10-31T12:00:00Z', 2);
      expect(runs[0].at.toISOString()).toBe('2026-11-01T05:30:00.000Z');
      expect(runs[0].note?.code).toBe('dst_overlap');
      expect(runs[1].at.toISOString()).toBe('2026-11-02T06:30:00.000Z');
    });

    it('collapses fixed times in one gap into a single run at the gap end', () => {
      const runs = runsOf(cron('0,30 2,3 * * *', NY), '2026-03-08T05:00:00Z', 3);
      expect(runs.map((r) => r.at.toISOString())).toEqual([
        '2026-03-08T07:00:00.000Z', // 02:00, 02:30 and 03:00 EDT
        '2026-03-08T07:30:00.000Z', // 03:30 EDT
        '2026-03-09T06:00:00.000Z',
      ]);
      expect(runs[0].note?.message).toBe('02:00 does not exist on 2026-03-08; runs at 03:00 EDT');
    });

    it('skips a missing time for a wildcard entry and repeats a repeated one', () => {
      expect(instants(cron('*/30 * * * *', NY), '2026-03-08T06:00:00Z', 3)).toEqual([
        '2026-03-08T06:30:00.000Z', // 01:30 EST
        '2026-03-08T07:00:00.000Z', // 03:00 EDT: 02:00 and 02:30 do not exist
        '2026-03-08T07:30:00.000Z',
      ]);
      expect(instants(cron('*/30 1 * * *', NY), '2026-11-01T04:00:00Z', 4)).toEqual([
        '2026-11-01T05:00:00.000Z',
        '2026-11-01T05:30:00.000Z',
        '2026-11-01T06:00:00.000Z',
        '2026-11-01T06:30:00.000Z',
      ]);
    });

    it('gives no run for a time in a jump of 3 hours or more (Apia, 2011-12-30)', () => {
      expect(instants(cron('0 9 * * *', 'Pacific/Apia'), '2011-12-29T00:00:00Z', 2)).toEqual([
        '2011-12-29T19:00:00.000Z', // Dec 29 09:00 -10
        '2011-12-30T19:00:00.000Z', // Dec 31 09:00 +14
      ]);
    });
  });

  describe('month ends', () => {
    it('clamps a monthly day 31 to the month end and notes it', () => {
      const runs = runsOf(
        { cadence: 'monthly', time: '09:00', timezone: 'UTC', day_of_month: 31 },
        '2027-01-15T00:00:00Z',
        4,
      );
      expect(runs.map((r) => [r.nominalDate, r.note])).toEqual([
        ['2027-01-31', undefined],
        ['2027-02-28', { code: 'month_end', message: 'day 31 → Feb 28' }],
        ['2027-03-31', undefined],
        ['2027-04-30', { code: 'month_end', message: 'day 31 → Apr 30' }],
      ]);
    });

    it('clamps day 30 to Feb 29 in a leap year', () => {
      const [run] = runsOf(
        { cadence: 'monthly', time: '09:00', timezone: 'UTC', day_of_month: 30 },
        '2028-02-01T00:00:00Z',
        1,
      );
      expect(run.nominalDate).toBe('2028-02-29');
      expect(run.note).toEqual({ code: 'month_end', message: 'day 30 → Feb 29' });
    });

    it('notes a cron day-31 entry skipping a short month, once, on the next run', () => {
      const runs = runsOf(cron('0 9,17 31 * *', 'UTC'), '2027-03-15T00:00:00Z', 4);
      expect(runs.map((r) => [r.at.toISOString(), r.note?.message])).toEqual([
        ['2027-03-31T09:00:00.000Z', 'no day 31 in February; cron skips that month'],
        ['2027-03-31T17:00:00.000Z', undefined],
        ['2027-05-31T09:00:00.000Z', 'no day 31 in April; cron skips that month'],
        ['2027-05-31T17:00:00.000Z', undefined],
      ]);
      expect(runs[2].note?.code).toBe('cron_skips_month');
    });

    it('names every skipped month, and leap years have a Feb 29', () => {
      const [jan] = runsOf(cron('0 9 31 1-12/2 *', 'UTC'), '2027-08-01T00:00:00Z', 1);
      expect(jan.nominalDate).toBe('2028-01-31');
      expect(jan.note?.message).toBe('no day 31 in September or November; cron skips those months');
      const [mar2027] = runsOf(cron('0 9 29 * *', 'UTC'), '2027-02-01T00:00:00Z', 1);
      expect(mar2027.note?.message).toBe('no day 29 in February; cron skips that month');
      const [feb2028, mar2028] = runsOf(cron('0 9 29 * *', 'UTC'), '2028-02-01T00:00:00Z', 2);
      expect([feb2028.nominalDate, feb2028.note, mar2028.note]).toEqual([
        '2028-02-29',
        undefined,
        undefined,
      ]);
    });

    it('runs cron L on the last day, leap years included', () => {
      expect(instants(cron('0 9 L * *', 'UTC'), '2028-01-15T00:00:00Z', 3)).toEqual([
        '2028-01-31T09:00:00.000Z',
        '2028-02-29T09:00:00.000Z',
        '2028-03-31T09:00:00.000Z',
      ]);
    });

    it('finds rare entries years ahead, and returns fewer rather than search forever', () => {
      expect(instants(cron('0 9 29 2 *', 'UTC'), '2096-03-01T00:00:00Z', 1)).toEqual([
        '2104-02-29T09:00:00.000Z', // 2100 is not a leap year
      ]);
      expect(instants(cron('0 9 30 2 *', 'UTC'), '2026-01-01T00:00:00Z', 1)).toEqual([]);
    });
  });

  describe('business days', () => {
    const weeklyMonday: ScheduleConfig = {
      cadence: 'weekly',
      time: '09:00',
      timezone: NY,
      day_of_week: 1,
      business_days_only: true,
      holiday_calendar: 'US',
    };

    it('rolls a weekend run to Monday and notes it (nominal date kept)', () => {
      const [run] = runsOf(
        {
          cadence: 'monthly',
          time: '09:00',
          timezone: NY,
          day_of_month: 31,
          business_days_only: true,
        },
        '2026-01-15T00:00:00Z',
        1,
      );
      expect(run.at.toISOString()).toBe('2026-02-02T14:00:00.000Z');
      expect(run.nominalDate).toBe('2026-01-31');
      expect(run.note).toEqual({
        code: 'business_roll',
        message: 'Sat 2026-01-31 → Mon 2026-02-02',
      });
    });

    it('says both when a clamped month end also rolls', () => {
      const [run] = runsOf(
        {
          cadence: 'monthly',
          time: '09:00',
          timezone: NY,
          day_of_month: 31,
          business_days_only: true,
        },
        '2026-02-15T00:00:00Z',
        1,
      );
      expect(run.note).toEqual({
        code: 'business_roll',
        message: 'day 31 → Feb 28; Sat 2026-02-28 → Mon 2026-03-02',
      });
    });

    it('rolls a weekly run off a public holiday to the next business day, naming it', () => {
      const runs = runsOf(weeklyMonday, '2027-05-25T00:00:00Z', 2);
      expect(runs[0].at.toISOString()).toBe('2027-06-01T13:00:00.000Z');
      expect(runs[0].nominalDate).toBe('2027-05-31');
      expect(runs[0].note).toEqual({
        code: 'holiday_roll',
        message: 'Mon 2027-05-31 (Memorial Day) → Tue 2027-06-01',
      });
      expect(runs[1].at.toISOString()).toBe('2027-06-07T13:00:00.000Z');
      expect(runs[1].note).toBeUndefined();
    });

    it('returns a rolled run whose nominal date is before `after`', () => {
      const [run] = runsOf(weeklyMonday, '2027-05-31T20:00:00Z', 1);
      expect(run.at.toISOString()).toBe('2027-06-01T13:00:00.000Z');
    });

    it('mentions a holiday that lengthens a weekend roll', () => {
      const [run] = runsOf(
        {
          cadence: 'monthly',
          time: '09:00',
          timezone: NY,
          day_of_month: 29,
          business_days_only: true,
          holiday_calendar: 'US',
        },
        '2027-05-01T00:00:00Z',
        1,
      );
      expect(run.note).toEqual({
        code: 'business_roll',
        message: 'Sat 2027-05-29 → Tue 2027-06-01 (over Memorial Day)',
      });
    });

    it('drops daily and cron runs on weekends and holidays instead of rolling them', () => {
      const config = daily('09:00', NY, { business_days_only: true, holiday_calendar: 'US' });
      // Jul 5 2027 is the observed Independence Day.
      expect(runsOf(config, '2027-07-01T00:00:00Z', 3).map((r) => r.nominalDate)).toEqual([
        '2027-07-01',
        '2027-07-02',
        '2027-07-06',
      ]);
      const weekdays = cron('0 9 * * *', NY, { business_days_only: true, holiday_calendar: 'US' });
      expect(runsOf(weekdays, '2027-05-28T00:00:00Z', 2).map((r) => r.nominalDate)).toEqual([
        '2027-05-28',
        '2027-06-01',
      ]);
    });

    it('judges holidays by the schedule’s local date', () => {
      // 09:00 in Tokyo on Tue 2027-06-01 is still Mon May 31 (Memorial Day) in New York, yet
      // the Tokyo date is what counts.
      const config = daily('09:00', 'Asia/Tokyo', {
        business_days_only: true,
        holiday_calendar: 'US',
      });
      expect(runsOf(config, '2027-05-29T00:00:00Z', 2).map((r) => r.nominalDate)).toEqual([
        '2027-06-01',
        '2027-06-02',
      ]);
    });

    it('uses a state calendar', () => {
      // Cesar Chavez Day (Mar 31) is a California public holiday, not a federal one.
      const config = daily('09:00', 'America/Los_Angeles', {
        business_days_only: true,
        holiday_calendar: 'US-CA',
      });
      expect(runsOf(config, '2027-03-30T20:00:00Z', 1)[0].nominalDate).toBe('2027-04-01');
    });
  });
});
