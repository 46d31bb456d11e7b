import { RunNoteCode } from 'src/domain/vocabulary';
import type { NonBusinessReason } from './business-calendar';
import { clockTime, formatDay, monthName, weekdayAndDate } from './civil-date';
import type { RunNote } from './schedule-config';
import type { ZoneRules } from './zone-rules';

// When several rules touched one run, the note carries the code of the biggest move.
const PRIORITY: RunNoteCode[] = [
  'holiday_roll',
  'business_roll',
  'dst_gap',
  'dst_overlap',
  'cron_skips_month',
  'month_end',
];
// ...and reads in the order the rules applied.
const READING: RunNoteCode[] = [
  'month_end',
  'cron_skips_month',
  'business_roll',
  'holiday_roll',
  'dst_gap',
  'dst_overlap',
];

/** "02:30 does not exist on 2026-03-08; runs at 03:00 EDT" */
export function gapNote(zone: ZoneRules, day: number, minuteOfDay: number, at: number): RunNote {
  return {
    code: 'dst_gap',
    message: `${clockTime(minuteOfDay)} does not exist on ${formatDay(day)}; runs at ${zone.wallTimeLabel(at)}`,
  };
}

/** "01:30 occurs twice on 2026-11-01; runs once, at 01:30 EDT" */
export function overlapNote(
  zone: ZoneRules,
  day: number,
  minuteOfDay: number,
  at: number,
): RunNote {
  return {
    code: 'dst_overlap',
    message: `${clockTime(minuteOfDay)} occurs twice on ${formatDay(day)}; runs once, at ${zone.wallTimeLabel(at)}`,
  };
}

/** "day 31 → Feb 28" */
export function monthEndNote(dayOfMonth: number, month: number, lastDay: number): RunNote {
  return {
    code: 'month_end',
    message: `day ${dayOfMonth} → ${monthName(month).slice(0, 3)} ${lastDay}`,
  };
}

/** "Sat 2026-01-31 → Mon 2026-02-02", "Mon 2027-05-31 (Memorial Day) → Tue 2027-06-01" */
export function rollNote(
  nominal: number,
  reason: NonBusinessReason,
  target: number,
  holidaysCrossed: string[],
): RunNote {
  const from = weekdayAndDate(nominal);
  const to = weekdayAndDate(target);
  if (reason.kind === 'holiday') {
    return { code: 'holiday_roll', message: `${from} (${reason.name}) → ${to}` };
  }
  // A weekend roll lengthened by a holiday (e.g. Sat → Tue over a holiday Monday) says so.
  const also = holidaysCrossed.length > 0 ? ` (over ${holidaysCrossed.join(', ')})` : '';
  return { code: 'business_roll', message: `${from} → ${to}${also}` };
}

/** "no day 31 in April; cron skips that month" */
export function cronSkipNote(days: number[], skippedMonths: number[]): RunNote {
  const dayText = days.length === 1 ? `day ${days[0]}` : `days ${days.join(', ')}`;
  const months = skippedMonths.map(monthName).join(' or ');
  return {
    code: 'cron_skips_month',
    message: `no ${dayText} in ${months}; cron skips ${skippedMonths.length === 1 ? 'that month' : 'those months'}`,
  };
}

/** One note for a run: the most important code, every reason in its message. */
export function combineNotes(notes: (RunNote | undefined)[]): RunNote | undefined {
  const present = notes.filter((n): n is RunNote => n !== undefined);
  if (present.length <= 1) return present[0];
  const code = PRIORITY.find((c) => present.some((n) => n.code === c)) ?? present[0].code;
  const message = [...present]
    .sort((a, b) => READING.indexOf(a.code) - READING.indexOf(b.code))
    .map((n) => n.message)
    .join('; ');
  return { code, message };
}
