import { DAY_MS } from './civil-date';
import { gapNote, overlapNote } from './run-notes';
import type { RunNote } from './schedule-config';
import type { ZoneRules } from './zone-rules';

const MINUTE_MS = 60_000;
/** Jumps of 3 h or more are zone corrections, not DST, and are not compensated (cronie). */
export const MAX_COMPENSATED_GAP_MINUTES = 180;

/**
 * A fixed wall time on a local day (HH:MM cadences, fixed-time cron entries, docs/api.md §1.2): the first
 * occurrence when it repeats, the gap's end when a DST gap (< 3 h) removes it, else nothing.
 */
export function resolveFixedTime(
  zone: ZoneRules,
  day: number,
  minuteOfDay: number,
): { at: number; note?: RunNote } | null {
  const offset = zone.steadyOffset(day);
  if (offset !== null) return { at: day * DAY_MS + (minuteOfDay - offset) * MINUTE_MS };
  const wall = zone.resolve(day * DAY_MS + minuteOfDay * MINUTE_MS);
  switch (wall.kind) {
    case 'single':
      return { at: wall.at };
    case 'overlap':
      return { at: wall.first, note: overlapNote(zone, day, minuteOfDay, wall.first) };
    case 'gap':
      return wall.gapMinutes < MAX_COMPENSATED_GAP_MINUTES
        ? { at: wall.gapEnd, note: gapNote(zone, day, minuteOfDay, wall.gapEnd) }
        : null;
  }
}
