import { holidayCalendarProblem, isBusinessDay, nonBusinessReason } from './business-calendar';
import { daysFromCivil } from './civil-date';

const day = (iso: string) => {
  const [y, m, d] = iso.split('-').map(Number);
  return daysFromCivil(y, m, d);
};

describe('business calendar', () => {
  it.each(['US', 'GB', 'DE', 'us', 'US-CA', 'DE-BY', 'AU-NSW'])('knows %s', (calendar) => {
    expect(holidayCalendarProblem(calendar)).toBeNull();
  });

  it.each([
    ['XX', /'XX' is not a known holiday calendar/],
    ['USA', /'USA' is not a known holiday calendar/],
    ['US-ZZ', /ZZ is not a state of US/],
    ['US-CA-LA', /'US-CA-LA' is not a known holiday calendar/],
    ['', /is not a known holiday calendar/],
  ])('rejects %j', (calendar, message) => {
    expect(holidayCalendarProblem(calendar)).toMatch(message);
  });

  it('treats Saturday and Sunday as non-business days, with or without a calendar', () => {
    expect(nonBusinessReason(day('2026-01-31'))).toEqual({ kind: 'weekend' });
    expect(nonBusinessReason(day('2026-02-01'), 'US')).toEqual({ kind: 'weekend' });
    expect(isBusinessDay(day('2026-02-02'))).toBe(true);
  });

  it('counts public holidays, observed days included, by name', () => {
    expect(nonBusinessReason(day('2027-05-31'), 'US')).toEqual({
      kind: 'holiday',
      name: 'Memorial Day',
    });
    expect(nonBusinessReason(day('2027-07-05'), 'US')).toEqual({
      kind: 'holiday',
      name: 'Independence Day (substitute day)',
    });
    expect(isBusinessDay(day('2027-05-31'))).toBe(true); // no calendar: weekends only
    expect(isBusinessDay(day('2027-06-01'), 'US')).toBe(true);
  });

  it('ignores observances, optional days and half days', () => {
    expect(isBusinessDay(day('2026-04-15'), 'US')).toBe(true); // Tax Day (observance)
    expect(isBusinessDay(day('2026-12-24'), 'US')).toBe(true); // Christmas Eve (optional)
    expect(isBusinessDay(day('2027-03-08'), 'CN')).toBe(true); // Women's Day, from 12:00
  });

  it('uses English names and covers every day of a multi-day holiday', () => {
    expect(nonBusinessReason(day('2026-04-03'), 'DE')).toEqual({
      kind: 'holiday',
      name: 'Good Friday',
    });
    for (const date of ['2027-03-09', '2027-03-10', '2027-03-11']) {
      expect(nonBusinessReason(day(date), 'AE')).toEqual({
        kind: 'holiday',
        name: 'End of Ramadan (Eid al-Fitr)',
      });
    }
    expect(isBusinessDay(day('2027-03-12'), 'AE')).toBe(true);
    expect(isBusinessDay(day('2026-01-02'), 'AM')).toBe(false); // New Year, two days
  });

  it('applies state holidays only with the state', () => {
    expect(isBusinessDay(day('2027-03-31'), 'US')).toBe(true);
    expect(nonBusinessReason(day('2027-03-31'), 'US-CA')).toEqual({
      kind: 'holiday',
      name: 'César Chávez Day',
    });
  });
});
