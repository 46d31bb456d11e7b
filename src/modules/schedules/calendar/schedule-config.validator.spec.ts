import { validateScheduleConfig } from './schedule-config.validator';
import type { ScheduleConfig } from './schedule-config';

const valid = (c: Partial<ScheduleConfig>) =>
  validateScheduleConfig({
    timezone: 'UTC',
    cadence: 'daily',
    time: '09:00',
    ...c,
  } as ScheduleConfig);

describe('validateScheduleConfig', () => {
  it('accepts each cadence in its shape', () => {
    expect(valid({})).toEqual([]);
    expect(valid({ cadence: 'weekly', day_of_week: 7 })).toEqual([]);
    expect(
      valid({
        cadence: 'monthly',
        day_of_month: 31,
        business_days_only: true,
        holiday_calendar: 'GB',
      }),
    ).toEqual([]);
    expect(valid({ cadence: 'cron', time: null, cron_expression: '*/5 * * * *' })).toEqual([]);
    expect(valid({ business_days_only: true, holiday_calendar: 'US-CA' })).toEqual([]);
  });

  it.each([
    [
      { timezone: 'Mars/Base' },
      "schedule_config.timezone 'Mars/Base' is not an IANA time zone (e.g. America/New_York)",
    ],
    [{ time: '24:00' }, "schedule_config.time '24:00' must be HH:MM from 00:00 to 23:59"],
    [{ time: undefined }, 'schedule_config.time is required for a daily schedule (HH:MM, 24-hour)'],
    [{ cadence: 'weekly' }, 'schedule_config.day_of_week is required for a weekly schedule'],
    [
      { cadence: 'weekly', day_of_week: 0 },
      'schedule_config.day_of_week must be 1 (Monday) to 7 (Sunday)',
    ],
    [
      { cadence: 'monthly', day_of_month: 32 },
      'schedule_config.day_of_month must be 1 to 31 (29-31 run on the last day of shorter months)',
    ],
    [{ day_of_week: 1 }, 'schedule_config.day_of_week does not apply to a daily schedule'],
    [
      { cron_expression: '0 9 * * *' },
      'schedule_config.cron_expression does not apply to a daily schedule',
    ],
    [
      { cadence: 'cron', cron_expression: '0 9 * * *' },
      'schedule_config.time must be null for cron: the expression holds the time',
    ],
    [
      { cadence: 'cron', time: null, cron_expression: '*/2 * * * *' },
      "schedule_config.cron_expression '*/2 * * * *' fires more often than every 5 minutes",
    ],
    [
      { cadence: 'cron', time: null, cron_expression: '61 * * * *' },
      "schedule_config.cron_expression '61 * * * *': minute value 61 is out of range 0-59",
    ],
    [
      { cadence: 'cron', time: null, cron_expression: '0 9 30 2 *' },
      'schedule_config never fires (no run in the next thirty years)',
    ],
    [
      { holiday_calendar: 'US' },
      'schedule_config.holiday_calendar only applies with business_days_only: true',
    ],
    [
      { business_days_only: true, holiday_calendar: 'XX' },
      "schedule_config.holiday_calendar 'XX' is not a known holiday calendar (use a country code such as US, GB or DE, or US-CA)",
    ],
  ])('rejects %j', (config, message) => {
    expect(valid(config as Partial<ScheduleConfig>)).toContain(message);
  });
});
