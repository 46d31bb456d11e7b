import type { ScheduleConfig } from './schedule-config';
import { validateScheduleConfig } from './schedule-config.validator';

const NOW = new Date('2027-01-01T00:00:00Z');
const check = (c: Record<string, unknown>) =>
  validateScheduleConfig(
    { timezone: 'UTC', cadence: 'daily', time: '09:00', ...c } as ScheduleConfig,
    NOW,
  );
const cronCheck = (cron_expression: string, timezone = 'UTC') =>
  check({ cadence: 'cron', time: null, cron_expression, timezone });

describe('validateScheduleConfig', () => {
  it.each([
    {},
    { time: '00:00' },
    { time: '23:59', timezone: 'Asia/Kathmandu' },
    { timezone: 'US/Eastern' },
    { cadence: 'weekly', day_of_week: 7 },
    { cadence: 'monthly', day_of_month: 31, business_days_only: true, holiday_calendar: 'GB' },
    { cadence: 'cron', time: null, cron_expression: '*/5 * * * *' },
    { cadence: 'cron', time: undefined, cron_expression: '0 9 29 2 *' },
    {
      cadence: 'cron',
      time: null,
      cron_expression: '0 9 L * MON-FRI',
      timezone: 'America/New_York',
    },
    { business_days_only: true, holiday_calendar: 'US-CA' },
    { business_days_only: true, holiday_calendar: 'de-by' },
    { business_days_only: false },
  ])('accepts %j', (config) => {
    expect(check(config)).toEqual([]);
  });

  it.each([
    [
      { timezone: 'Mars/Base' },
      "schedule_config.timezone 'Mars/Base' is not an IANA time zone (e.g. America/New_York, Europe/Berlin, UTC)",
    ],
    [
      { timezone: 'america/new_york' },
      "schedule_config.timezone 'america/new_york' is not an IANA time zone (e.g. America/New_York, Europe/Berlin, UTC)",
    ],
    [
      { timezone: undefined },
      'schedule_config.timezone is required (an IANA time zone such as Europe/Berlin)',
    ],
    [
      { cadence: 'hourly' },
      "schedule_config.cadence 'hourly' must be one of daily, weekly, monthly, cron",
    ],
    [{ time: '24:00' }, "schedule_config.time '24:00' must be HH:MM from 00:00 to 23:59"],
    [{ time: '9:00' }, "schedule_config.time '9:00' must be HH:MM from 00:00 to 23:59"],
    [{ time: '09:00:00' }, "schedule_config.time '09:00:00' must be HH:MM from 00:00 to 23:59"],
    [{ time: undefined }, 'schedule_config.time is required for a daily schedule (HH:MM, 24-hour)'],
    [
      { cadence: 'weekly' },
      'schedule_config.day_of_week is required for a weekly schedule (1 = Monday … 7 = Sunday)',
    ],
    [
      { cadence: 'weekly', day_of_week: 0 },
      'schedule_config.day_of_week 0 must be an integer from 1 (Monday) to 7 (Sunday)',
    ],
    [
      { cadence: 'weekly', day_of_week: 1.5 },
      'schedule_config.day_of_week 1.5 must be an integer from 1 (Monday) to 7 (Sunday)',
    ],
    [
      { cadence: 'weekly', day_of_week: '1' },
      "schedule_config.day_of_week '1' must be an integer from 1 (Monday) to 7 (Sunday)",
    ],
    [
      { cadence: 'monthly' },
      'schedule_config.day_of_month is required for a monthly schedule (1-31)',
    ],
    [
      { cadence: 'monthly', day_of_month: 32 },
      'schedule_config.day_of_month 32 must be an integer from 1 to 31 (29-31 run on the last day of shorter months)',
    ],
    [{ day_of_week: 1 }, 'schedule_config.day_of_week does not apply to a daily schedule'],
    [
      { cadence: 'weekly', day_of_week: 1, day_of_month: 1 },
      'schedule_config.day_of_month does not apply to a weekly schedule',
    ],
    [
      { cadence: 'weekly', day_of_week: 1, cron_expression: '0 9 * * 1' },
      'schedule_config.cron_expression does not apply to a weekly schedule',
    ],
    [
      { cadence: 'cron', time: '09:00', cron_expression: '0 9 * * *' },
      'schedule_config.time must be null or absent for cron: the expression holds the time',
    ],
    [
      { cadence: 'cron', time: null },
      'schedule_config.cron_expression is required for a cron schedule (5 fields: minute hour day-of-month month day-of-week)',
    ],
    [{ business_days_only: 'yes' }, 'schedule_config.business_days_only must be true or false'],
    [
      { holiday_calendar: 'US' },
      'schedule_config.holiday_calendar only applies with business_days_only: true',
    ],
    [
      { holiday_calendar: 'US', business_days_only: false },
      'schedule_config.holiday_calendar only applies with business_days_only: true',
    ],
    [
      { business_days_only: true, holiday_calendar: 'XX' },
      "schedule_config.holiday_calendar 'XX' is not a known holiday calendar (a country code such as US, GB or DE, or country-state such as US-CA)",
    ],
    [
      { business_days_only: true, holiday_calendar: 'US-ZZ' },
      "schedule_config.holiday_calendar 'US-ZZ': ZZ is not a state of US known to the holiday calendar",
    ],
    [
      { business_days_only: true, holiday_calendar: 'US-CA-LA' },
      "schedule_config.holiday_calendar 'US-CA-LA' is not a known holiday calendar (a country code such as US, GB or DE, or country-state such as US-CA)",
    ],
    [{ every: 2 }, 'schedule_config.every is not a schedule_config field'],
    [
      { cadence: undefined },
      'schedule_config.cadence is required (one of daily, weekly, monthly, cron)',
    ],
  ])('rejects %j', (config, message) => {
    expect(check(config)).toContain(message);
  });

  it('reports every problem at once, one message each', () => {
    expect(check({ time: '25:00', timezone: 'Nowhere/City', day_of_month: 3 })).toEqual([
      "schedule_config.timezone 'Nowhere/City' is not an IANA time zone (e.g. America/New_York, Europe/Berlin, UTC)",
      "schedule_config.time '25:00' must be HH:MM from 00:00 to 23:59",
      'schedule_config.day_of_month does not apply to a daily schedule',
    ]);
  });

  describe('cron_expression', () => {
    it.each([
      ['61 * * * *', "is not valid: minute field '61': 61 is out of range 0-59"],
      [
        '0 0 9 * * 1',
        'is not valid: needs exactly 5 fields (minute hour day-of-month month day-of-week), got 6: seconds and year fields are not supported',
      ],
      [
        '0 9 15W * *',
        "is not valid: day-of-month field '15W': 'W' (nearest weekday) is not supported",
      ],
      [
        '0 9 * * 1#2',
        "is not valid: day-of-week field '1#2': '#' (nth weekday of the month) is not supported",
      ],
      ['*/10 * ? * *', "is not valid: day-of-month field '?': '?' is not supported (use *)"],
      ['0 9 30 2 *', 'never fires: no selected month (February) has day 30'],
      [
        '0 9 31 4,6,9,11 *',
        'never fires: no selected month (April, June, September, November) has day 31',
      ],
    ])('rejects %j', (expression, why) => {
      expect(cronCheck(expression)).toEqual([
        `schedule_config.cron_expression '${expression}' ${why}`,
      ]);
    });

    it.each([
      ['*/2 * * * *', '00:00 and 00:02 are 2 minutes apart'],
      ['0,3 * * * *', '00:00 and 00:03 are 3 minutes apart'],
      ['58,2 1,2 * * *', '01:58 and 02:02 are 4 minutes apart'],
      ['*/7 * * * *', '00:56 and 01:00 are 4 minutes apart'],
      ['1,58 0,23 * * *', '23:58 and 00:01 are 3 minutes apart'],
    ])('rejects %j as firing more often than every 5 minutes', (expression, why) => {
      expect(cronCheck(expression)).toEqual([
        `schedule_config.cron_expression '${expression}' fires more often than every 5 minutes (${why})`,
      ]);
    });

    it('checks the real runs around the zone’s clock changes too', () => {
      // 01:57 EST and the gap end 03:00 EDT are 3 real minutes apart on 2027-03-14.
      expect(cronCheck('0,57 1,3 * * *', 'America/New_York')).toEqual([
        "schedule_config.cron_expression '0,57 1,3 * * *' fires more often than every 5 minutes (around the clock change on 2027-03-14 in America/New_York it runs at 01:57 EST and 03:00 EDT, 3 minutes apart)",
      ]);
      expect(cronCheck('0,57 1,3 * * *', 'UTC')).toEqual([]);
      // Lord Howe repeats 01:30–02:00: an hourly entry at :30 and :56 runs 4 minutes apart.
      expect(cronCheck('30,56 * * * *', 'Australia/Lord_Howe')).toEqual([
        "schedule_config.cron_expression '30,56 * * * *' fires more often than every 5 minutes (around the clock change on 2027-04-04 in Australia/Lord_Howe it runs at 01:56 UTC+11:00 and 01:30 UTC+10:30, 4 minutes apart)",
      ]);
      expect(cronCheck('*/5 * * * *', 'Australia/Lord_Howe')).toEqual([]);
      expect(cronCheck('*/15 * * * *', 'America/New_York')).toEqual([]);
    });

    it('checks a business-day entry without tripping over a bad holiday calendar', () => {
      expect(
        check({
          cadence: 'cron',
          time: null,
          cron_expression: '0,57 1,3 * * *',
          timezone: 'America/New_York',
          business_days_only: true,
          holiday_calendar: 'XX',
        }),
      ).toEqual([
        "schedule_config.holiday_calendar 'XX' is not a known holiday calendar (a country code such as US, GB or DE, or country-state such as US-CA)",
        expect.stringContaining('fires more often than every 5 minutes (around the clock change'),
      ]);
    });

    it('still checks the wall clock when the zone is unknown', () => {
      expect(cronCheck('*/2 * * * *', 'Mars/Base')).toHaveLength(2);
    });
  });
});
