import { daysFromCivil, daysInMonth, isoWeekday } from './civil-date';
import {
  CronParseError,
  cronMatchesDate,
  parseCron,
  shortestWallInterval,
} from './cron-expression';

const matches = (expression: string, date: string) => {
  const [y, m, d] = date.split('-').map(Number);
  return cronMatchesDate(
    parseCron(expression),
    m,
    d,
    daysInMonth(y, m),
    isoWeekday(daysFromCivil(y, m, d)),
  );
};

describe('parseCron', () => {
  it('parses lists, ranges, steps and case-insensitive names', () => {
    const cron = parseCron('0,30 9-17/4 1-7 jan,JUL MON-fri');
    expect(cron.minutes).toEqual([0, 30]);
    expect(cron.hours).toEqual([9, 13, 17]);
    expect(cron.daysOfMonth).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(cron.months).toEqual([1, 7]);
    expect(cron.daysOfWeek).toEqual([1, 2, 3, 4, 5]);
    expect(cron.times).toEqual([540, 570, 780, 810, 1020, 1050]);
    expect(cron).toMatchObject({ domRestricted: true, dowRestricted: true, wildcard: false });
  });

  it('expands */S and A-B/S, and accepts extra whitespace', () => {
    expect(parseCron('  */20   */6 * * *  ').times).toEqual([
      0, 20, 40, 360, 380, 400, 720, 740, 760, 1080, 1100, 1120,
    ]);
    expect(parseCron('5-59/15 0 * * *').minutes).toEqual([5, 20, 35, 50]);
    expect(parseCron('0 0 */10 * *').daysOfMonth).toEqual([1, 11, 21, 31]);
  });

  it('treats 0 and 7 as Sunday, and lets a weekday range end on Sunday', () => {
    expect(parseCron('0 9 * * 7').daysOfWeek).toEqual([0]);
    expect(parseCron('0 9 * * 0,7').daysOfWeek).toEqual([0]);
    expect(parseCron('0 9 * * FRI-SUN').daysOfWeek).toEqual([0, 5, 6]);
    expect(parseCron('0 9 * * 5-7').daysOfWeek).toEqual([0, 5, 6]);
    expect(parseCron('0 9 * * sun-sat').daysOfWeek).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });

  it('reads L in day-of-month as the last day of the month, alone or in a list', () => {
    expect(parseCron('0 9 L * *')).toMatchObject({ lastDayOfMonth: true, daysOfMonth: [] });
    expect(parseCron('0 9 15,l * *')).toMatchObject({ lastDayOfMonth: true, daysOfMonth: [15] });
    expect(matches('0 9 L * *', '2028-02-29')).toBe(true);
    expect(matches('0 9 L * *', '2027-02-28')).toBe(true);
    expect(matches('0 9 L * *', '2028-02-28')).toBe(false);
    expect(matches('0 9 L * *', '2026-04-30')).toBe(true);
  });

  it('classifies wildcard entries by a leading * in minute or hour (cronie)', () => {
    expect(parseCron('*/15 * * * *').wildcard).toBe(true);
    expect(parseCron('0 */2 * * *').wildcard).toBe(true);
    expect(parseCron('0 * * * *').wildcard).toBe(true);
    expect(parseCron('*/5 9 * * *').wildcard).toBe(true);
    expect(parseCron('30 2 * * *').wildcard).toBe(false);
    expect(parseCron('15,45 1-3 * * *').wildcard).toBe(false);
    expect(parseCron('0-59/15 * * * *').wildcard).toBe(true); // the hour is *
    expect(parseCron('0-59/15 1 * * *').wildcard).toBe(false);
  });

  it('ORs day-of-month and day-of-week only when both are restricted (no leading *)', () => {
    // 2026-07-06 is a Monday, 2026-07-01 a Wednesday, 2026-06-22 a Monday.
    expect(matches('0 9 1-7 * 1', '2026-06-22')).toBe(true); // Monday
    expect(matches('0 9 1-7 * 1', '2026-07-01')).toBe(true); // day 1
    expect(matches('0 9 1-7 * 1', '2026-07-08')).toBe(false);
    // `*/2` begins with `*`: unrestricted, so AND: Mondays on odd dates.
    expect(parseCron('0 9 */2 * 1')).toMatchObject({ domRestricted: false, dowRestricted: true });
    expect(matches('0 9 */2 * 1', '2026-07-13')).toBe(true);
    expect(matches('0 9 */2 * 1', '2026-07-06')).toBe(false);
    expect(matches('0 9 */2 * 1', '2026-07-07')).toBe(false);
    // Weekday `*/2` ANDs with a restricted day-of-month too.
    expect(matches('0 9 13 * */2', '2026-09-13')).toBe(true); // Sunday
    expect(matches('0 9 13 * */2', '2026-07-13')).toBe(false); // Monday
    expect(matches('0 9 13 * 5', '2026-07-13')).toBe(true); // OR: the 13th
  });

  it('matches months and day 31 literally (short months have no match)', () => {
    expect(matches('0 9 31 * *', '2026-04-30')).toBe(false);
    expect(matches('0 9 31 * *', '2026-05-31')).toBe(true);
    expect(matches('0 9 * jun *', '2026-07-01')).toBe(false);
  });

  it('caches parsed entries', () => {
    expect(parseCron('7 7 * * *')).toBe(parseCron('7 7 * * *'));
  });

  it.each([
    ['', /exactly 5 fields .* got 0/],
    ['* * * *', /exactly 5 fields/],
    ['0 0 9 * * 1', /got 6: seconds and year fields are not supported/],
    ['0 9 * * 1 2026 x', /got 7/],
    ['@daily', /macros such as @daily are not supported/],
    ['60 * * * *', /minute field '60': 60 is out of range 0-59/],
    ['0 24 * * *', /hour field '24': 24 is out of range 0-23/],
    ['0 9 0 * *', /day-of-month field '0': 0 is out of range 1-31/],
    ['0 9 32 * *', /day-of-month field '32': 32 is out of range/],
    ['0 9 * 13 *', /month field '13': 13 is out of range 1-12/],
    ['0 9 * 0 *', /month field '0': 0 is out of range/],
    ['0 9 * * 8', /day-of-week field '8': 8 is out of range 0-7/],
    [
      '5/10 * * * *',
      /minute field '5\/10': '5\/10': 'N\/S' is not supported; write '5-59\/10' or '\*\/10'/,
    ],
    ['0 9 ? * *', /day-of-month field '\?': '\?' is not supported/],
    ['0 9 * * ?', /day-of-week field '\?': '\?' is not supported/],
    ['0 9 * * 1#2', /'#' \(nth weekday of the month\) is not supported/],
    ['0 9 15W * *', /'W' \(nearest weekday\) is not supported/],
    ['0 9 LW * *', /'W' \(nearest weekday\) is not supported/],
    ['0 9 L-2 * *', /only a plain 'L'/],
    ['0 9 * * 5L', /day-of-week field '5L': 'L' is only supported alone in the day-of-month field/],
    ['L 9 * * *', /minute field/],
    ['0 9 5-1 * *', /range '5-1' runs backwards/],
    ['0 9 * * foo', /day-of-week field 'foo': 'foo' is not a number or a name/],
    ['0 9 * * MONDAY', /'MONDAY' is not a number or a name/],
    ['0 9 * DECEMBER *', /month field/],
    ['mon 9 * * *', /minute field 'mon': 'mon' is not a number$/],
    ['*/0 * * * *', /needs a whole step of at least 1/],
    ['*/x * * * *', /needs a whole step/],
    ['*/5/2 * * * *', /more than one '\/'/],
    ['0,,5 * * * *', /empty list item/],
    ['1-2-3 * * * *', /is not a range A-B/],
    ['-1 * * * *', /'' is not a number/],
  ])('rejects %j', (expression, message) => {
    expect(() => parseCron(expression)).toThrow(CronParseError);
    expect(() => parseCron(expression)).toThrow(message);
  });
});

describe('shortestWallInterval', () => {
  it.each([
    ['*/5 * * * *', 5],
    ['*/2 * * * *', 2],
    ['0,3 * * * *', 3],
    ['58,2 1,2 * * *', 4], // 01:58 → 02:02
    ['*/7 * * * *', 4], // :56 → next :00
    ['0 9 * * *', 1440],
    ['0 0,23 * * *', 60],
    ['55 23 * * *', 1440],
    ['0,58 0 * * *', 58],
  ])('%s → %i minutes', (expression, minutes) => {
    expect(shortestWallInterval(parseCron(expression)).minutes).toBe(minutes);
  });

  it('measures across midnight and says between which times', () => {
    expect(shortestWallInterval(parseCron('1,58 0,23 * * *'))).toEqual({
      minutes: 3,
      from: 23 * 60 + 58,
      to: 1,
    });
  });
});
