import {
  civilFromDays,
  clockTime,
  daysFromCivil,
  daysInMonth,
  formatDay,
  isoWeekday,
  weekdayAndDate,
} from './civil-date';

describe('civil dates', () => {
  it('round-trips day numbers against Date.UTC over four centuries', () => {
    const wrong: number[] = [];
    for (let n = -200_000; n <= 200_000; n += 11) {
      const date = new Date(n * 86_400_000);
      const civil = civilFromDays(n);
      const same =
        civil.year === date.getUTCFullYear() &&
        civil.month === date.getUTCMonth() + 1 &&
        civil.day === date.getUTCDate() &&
        daysFromCivil(civil.year, civil.month, civil.day) === n &&
        isoWeekday(n) % 7 === date.getUTCDay();
      if (!same) wrong.push(n);
    }
    expect(wrong).toEqual([]);
  });

  it('knows month lengths and leap years', () => {
    expect([2027, 2028, 2100, 2000].map((y) => daysInMonth(y, 2))).toEqual([28, 29, 28, 29]);
    expect(daysInMonth(2026, 4)).toBe(30);
    expect(daysInMonth(2026, 12)).toBe(31);
  });

  it('formats dates, weekdays and clock times', () => {
    expect(formatDay(daysFromCivil(2026, 1, 31))).toBe('2026-01-31');
    expect(weekdayAndDate(daysFromCivil(2026, 1, 31))).toBe('Sat 2026-01-31');
    expect(isoWeekday(daysFromCivil(2027, 5, 31))).toBe(1);
    expect(clockTime(0)).toBe('00:00');
    expect(clockTime(23 * 60 + 59)).toBe('23:59');
  });
});
