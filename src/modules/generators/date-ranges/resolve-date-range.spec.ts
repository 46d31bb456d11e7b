import { DateRange } from 'src/modules/generators/date-ranges/date-range.schema';
import { resolveDateRange } from 'src/modules/generators/date-ranges/resolve-date-range';

const HOUR_MS = 3_600_000;

function dates(range: DateRange, runAt: string, timezone = 'UTC'): [string, string] {
  const { from, to } = resolveDateRange(range, new Date(runAt), timezone);
  return [from, to];
}

function hoursLong(range: DateRange, runAt: string, timezone: string): number {
  const { fromInstant, toInstantExclusive } = resolveDateRange(range, new Date(runAt), timezone);
  return (toInstantExclusive.getTime() - fromInstant.getTime()) / HOUR_MS;
}

describe('resolveDateRange', () => {
  describe('presets, run on Wednesday 2026-03-11', () => {
    const runAt = '2026-03-11T12:00:00Z';

    it.each<[DateRange['preset'], string, string]>([
      ['yesterday', '2026-03-10', '2026-03-10'],
      ['last_7_days', '2026-03-04', '2026-03-10'],
      ['previous_week', '2026-03-02', '2026-03-08'],
      ['previous_month', '2026-02-01', '2026-02-28'],
      ['month_to_date', '2026-03-01', '2026-03-11'],
      ['previous_quarter', '2025-10-01', '2025-12-31'],
      ['year_to_date', '2026-01-01', '2026-03-11'],
    ])('%s is %s to %s', (preset, from, to) => {
      expect(dates({ preset } as DateRange, runAt)).toEqual([from, to]);
    });

    it('custom is the dates as given', () => {
      expect(dates({ preset: 'custom', from: '2025-06-01', to: '2025-06-30' }, runAt)).toEqual([
        '2025-06-01',
        '2025-06-30',
      ]);
    });
  });

  describe('across a year boundary (Europe/Berlin)', () => {
    const zone = 'Europe/Berlin';

    it('previous_quarter in January is Q4 of last year', () => {
      expect(dates({ preset: 'previous_quarter' }, '2026-01-15T08:00:00Z', zone)).toEqual([
        '2025-10-01',
        '2025-12-31',
      ]);
    });

    it('previous_week on Monday 2026-01-05 is the ISO week that just ended', () => {
      expect(dates({ preset: 'previous_week' }, '2026-01-05T08:00:00Z', zone)).toEqual([
        '2025-12-29',
        '2026-01-04',
      ]);
    });

    it('previous_week on Sunday 2026-01-04 skips the week that Sunday closes', () => {
      expect(dates({ preset: 'previous_week' }, '2026-01-04T08:00:00Z', zone)).toEqual([
        '2025-12-22',
        '2025-12-28',
      ]);
    });

    it('yesterday, last_7_days and previous_month reach back into last year', () => {
      expect(dates({ preset: 'yesterday' }, '2026-01-01T08:00:00Z', zone)).toEqual([
        '2025-12-31',
        '2025-12-31',
      ]);
      expect(dates({ preset: 'last_7_days' }, '2026-01-03T08:00:00Z', zone)).toEqual([
        '2025-12-27',
        '2026-01-02',
      ]);
      expect(dates({ preset: 'previous_month' }, '2026-01-31T08:00:00Z', zone)).toEqual([
        '2025-12-01',
        '2025-12-31',
      ]);
    });

    it('year_to_date and month_to_date on 1 January are that one day', () => {
      expect(dates({ preset: 'year_to_date' }, '2026-01-01T08:00:00Z', zone)).toEqual([
        '2026-01-01',
        '2026-01-01',
      ]);
      expect(dates({ preset: 'month_to_date' }, '2026-01-01T08:00:00Z', zone)).toEqual([
        '2026-01-01',
        '2026-01-01',
      ]);
    });

    it('the run is "today" by the local date: 23:30 UTC on 31 December is already 1 January', () => {
      expect(dates({ preset: 'year_to_date' }, '2025-12-31T23:30:00Z', zone)).toEqual([
        '2026-01-01',
        '2026-01-01',
      ]);
    });
  });

  describe('month and quarter lengths', () => {
    it('previous_month in a leap March ends on 29 February', () => {
      expect(dates({ preset: 'previous_month' }, '2024-03-15T12:00:00Z')).toEqual([
        '2024-02-01',
        '2024-02-29',
      ]);
    });

    it('previous_quarter mid-year is Q1', () => {
      expect(dates({ preset: 'previous_quarter' }, '2026-05-20T12:00:00Z')).toEqual([
        '2026-01-01',
        '2026-03-31',
      ]);
    });
  });

  describe('instants in America/New_York', () => {
    const zone = 'America/New_York';

    it('a run at 2026-03-01T03:00Z is still 28 February locally', () => {
      const runAt = '2026-03-01T03:00:00Z';
      expect(dates({ preset: 'yesterday' }, runAt, zone)).toEqual(['2026-02-27', '2026-02-27']);
      expect(dates({ preset: 'previous_month' }, runAt, zone)).toEqual([
        '2026-01-01',
        '2026-01-31',
      ]);
      const resolved = resolveDateRange({ preset: 'month_to_date' }, new Date(runAt), zone);
      expect(resolved).toEqual({
        from: '2026-02-01',
        to: '2026-02-28',
        fromInstant: new Date('2026-02-01T05:00:00Z'),
        toInstantExclusive: new Date('2026-03-01T05:00:00Z'),
        label: '2026-02-01 – 2026-02-28',
      });
    });

    it('2026-03-08, when clocks spring forward, is 23 hours long', () => {
      const resolved = resolveDateRange(
        { preset: 'yesterday' },
        new Date('2026-03-09T15:00Z'),
        zone,
      );
      expect(resolved.from).toBe('2026-03-08');
      expect(resolved.fromInstant).toEqual(new Date('2026-03-08T05:00:00Z'));
      expect(resolved.toInstantExclusive).toEqual(new Date('2026-03-09T04:00:00Z'));
      expect(hoursLong({ preset: 'yesterday' }, '2026-03-09T15:00Z', zone)).toBe(23);
    });

    it('2026-11-01, when clocks fall back, is 25 hours long', () => {
      expect(hoursLong({ preset: 'yesterday' }, '2026-11-02T15:00Z', zone)).toBe(25);
    });
  });

  describe('zones where midnight is skipped or repeated', () => {
    const day = (date: string): DateRange => ({ preset: 'custom', from: date, to: date });
    const runAt = '2030-01-01T00:00:00Z';

    it('America/Sao_Paulo 2018-11-04 has no midnight: the day begins 01:00 -02 and lasts 23 hours', () => {
      const resolved = resolveDateRange(day('2018-11-04'), new Date(runAt), 'America/Sao_Paulo');
      expect(resolved.fromInstant).toEqual(new Date('2018-11-04T03:00:00Z'));
      expect(resolved.toInstantExclusive).toEqual(new Date('2018-11-05T02:00:00Z'));
    });

    it('America/Sao_Paulo 2018-11-03 ends where 2018-11-04 begins', () => {
      const resolved = resolveDateRange(day('2018-11-03'), new Date(runAt), 'America/Sao_Paulo');
      expect(resolved.fromInstant).toEqual(new Date('2018-11-03T03:00:00Z'));
      expect(resolved.toInstantExclusive).toEqual(new Date('2018-11-04T03:00:00Z'));
    });

    it('a yesterday run in Sao Paulo on 2018-11-05 covers the short day', () => {
      expect(hoursLong({ preset: 'yesterday' }, '2018-11-05T12:00:00Z', 'America/Sao_Paulo')).toBe(
        23,
      );
    });

    it('Asia/Beirut 2026-03-29 has no midnight: the day begins 01:00 +03', () => {
      const resolved = resolveDateRange(day('2026-03-29'), new Date(runAt), 'Asia/Beirut');
      expect(resolved.fromInstant).toEqual(new Date('2026-03-28T22:00:00Z'));
      expect(hoursLong(day('2026-03-29'), runAt, 'Asia/Beirut')).toBe(23);
    });

    it('America/Havana 2025-11-02 has midnight twice: the day begins at the first', () => {
      const resolved = resolveDateRange(day('2025-11-02'), new Date(runAt), 'America/Havana');
      expect(resolved.fromInstant).toEqual(new Date('2025-11-02T04:00:00Z'));
      expect(hoursLong(day('2025-11-02'), runAt, 'America/Havana')).toBe(25);
    });
  });

  describe('label', () => {
    it('joins the two dates with an en dash', () => {
      const { label } = resolveDateRange(
        { preset: 'previous_month' },
        new Date('2026-04-02T12:00:00Z'),
        'UTC',
      );
      expect(label).toBe('2026-03-01 – 2026-03-31');
    });

    it('is the one date when the range is one day', () => {
      const { label } = resolveDateRange({ preset: 'yesterday' }, new Date('2026-04-02Z'), 'UTC');
      expect(label).toBe('2026-04-01');
    });
  });

  describe('purity and bad input', () => {
    afterEach(() => jest.useRealTimers());

    it('depends only on its arguments, not on the clock', () => {
      const run = (): unknown =>
        resolveDateRange({ preset: 'yesterday' }, new Date('2026-03-11T12:00:00Z'), 'Asia/Tokyo');
      const before = run();
      jest.useFakeTimers().setSystemTime(new Date('1999-12-31T23:59:59Z'));
      expect(run()).toEqual(before);
    });

    it('rejects an unknown timezone', () => {
      expect(() => resolveDateRange({ preset: 'yesterday' }, new Date(), 'Mars/Olympus')).toThrow(
        "Unknown timezone 'Mars/Olympus'",
      );
    });

    it('rejects an invalid run instant', () => {
      expect(() => resolveDateRange({ preset: 'yesterday' }, new Date('nope'), 'UTC')).toThrow(
        RangeError,
      );
    });

    it.each([
      ['2026-03-10', '2026-03-01'],
      ['2026-02-30', '2026-03-01'],
    ])('rejects the unvalidated custom range %s to %s', (from, to) => {
      expect(() => resolveDateRange({ preset: 'custom', from, to }, new Date(), 'UTC')).toThrow(
        RangeError,
      );
    });
  });
});
