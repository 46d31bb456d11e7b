import { cronFieldError, cronFieldProblems } from './cron-errors';

describe('cron field errors', () => {
  it.each([
    ["'61 9 * * *' is not valid: minute field '61': 61 is out of range 0-59", 0],
    ["'0 25 * * 1-5' is not valid: hour field '25': 25 is out of range 0-23", 1],
    ["'0 9 32 * *' is not valid: day-of-month field '32': 32 is out of range 1-31", 2],
    ["'0 9 * 13 *' is not valid: month field '13': 13 is out of range 1-12", 3],
    ["'0 9 * * 8' is not valid: day-of-week field '8': 8 is out of range 0-7", 4],
    [
      "'0 9 1W * *' is not valid: day-of-month field '1W': 'W' (nearest weekday) is not supported",
      2,
    ],
  ])('places %s on input %i', (tail, field) => {
    expect(cronFieldError(`schedule_config.cron_expression ${tail}`)?.field).toBe(field);
  });

  it('shows the field and the reason, without the expression the inputs already hold', () => {
    expect(
      cronFieldError(
        "schedule_config.cron_expression '0 25 * * 1-5' is not valid: hour field '25': 25 is out of range 0-23",
      ),
    ).toEqual({ field: 1, text: "hour field '25': 25 is out of range 0-23" });
  });

  it.each([
    "schedule_config.cron_expression '0 9 31 2 *' never fires: no selected month (February) has day 31",
    "schedule_config.cron_expression '*/2 * * * *' fires more often than every 5 minutes (every 2 minutes)",
    "schedule_config.cron_expression '0 9 * *' is not valid: needs exactly 5 fields (minute hour day-of-month month day-of-week), got 4",
    "schedule_config.timezone 'Mars/Base' is not an IANA time zone (e.g. America/New_York, Europe/Berlin, UTC)",
  ])('leaves a message about the whole schedule in general: %s', (message) => {
    expect(cronFieldError(message)).toBeNull();
  });

  it('an expression that names a field name elsewhere is not mistaken for one', () => {
    expect(
      cronFieldError("schedule_config.cron_expression 'hour field' is not valid: needs exactly 5"),
    ).toBeNull();
  });

  it('finds empty inputs and inputs holding a space before the server is asked', () => {
    expect(cronFieldProblems(['0', '', '*', '1 2', '*'])).toEqual([
      null,
      'hour field is empty: write * for every value',
      null,
      "month field '1 2' has a space: separate values with commas",
      null,
    ]);
    expect(cronFieldProblems(['0', '9', '*', '*', '1-5'])).toEqual([null, null, null, null, null]);
  });
});
