import { CronParseError, parseCron, shortestInterval } from './cron-expression';

describe('parseCron', () => {
  it('parses lists, ranges, steps and names', () => {
    const cron = parseCron('0,30 9-17/4 1-7 jan,JUL MON-fri');
    expect(cron.minutes).toEqual([0, 30]);
    expect(cron.hours).toEqual([9, 13, 17]);
    expect([...cron.months]).toEqual([1, 7]);
    expect([...cron.daysOfWeek].sort()).toEqual([1, 2, 3, 4, 5]);
    expect(cron.domRestricted && cron.dowRestricted).toBe(true);
    expect(cron.wildcard).toBe(false);
  });

  it('treats 0 and 7 as Sunday, and L as the last day', () => {
    expect([...parseCron('0 9 * * 7').daysOfWeek]).toEqual([0]);
    expect(parseCron('0 9 L * *')).toMatchObject({ lastDayOfMonth: true, domRestricted: true });
  });

  it('classifies wildcard entries by a leading * in minute or hour (cronie)', () => {
    expect(parseCron('*/15 * * * *').wildcard).toBe(true);
    expect(parseCron('0 */2 * * *').wildcard).toBe(true);
    expect(parseCron('0 * * * *').wildcard).toBe(true);
    expect(parseCron('30 2 * * *').wildcard).toBe(false);
    expect(parseCron('15,45 1-3 * * *').wildcard).toBe(false);
    expect(parseCron('0 9 */2 * 1').domRestricted).toBe(false);
  });

  it.each([
    ['* * * *', /exactly 5 fields/],
    ['0 0 9 * * 1', /exactly 5 fields/],
    ['60 * * * *', /minute value 60 is out of range/],
    ['0 24 * * *', /hour value 24/],
    ['0 9 0 * *', /day-of-month value 0/],
    ['0 9 * 13 *', /month value 13/],
    ['0 9 * * 8', /day-of-week value 8/],
    ['5/10 * * * *', /'N\/S' is not supported/],
    ['0 9 ? * *', /not supported/],
    ['0 9 * * 1#2', /not supported/],
    ['0 9 15W * *', /not supported/],
    ['0 9 5-1 * *', /runs backwards/],
    ['0 9 * * foo', /not a number/],
    ['*/0 * * * *', /positive whole step/],
    ['0,,5 * * * *', /empty list item/],
  ])('rejects %s', (expression, message) => {
    expect(() => parseCron(expression)).toThrow(CronParseError);
    expect(() => parseCron(expression)).toThrow(message);
  });

  it('measures the shortest interval, across the hour and midnight', () => {
    expect(shortestInterval(parseCron('*/5 * * * *'))).toBe(5);
    expect(shortestInterval(parseCron('*/2 * * * *'))).toBe(2);
    expect(shortestInterval(parseCron('0,3 * * * *'))).toBe(3);
    expect(shortestInterval(parseCron('58,2 1,2 * * *'))).toBe(4);
    expect(shortestInterval(parseCron('0 9 * * *'))).toBe(1440);
  });
});
