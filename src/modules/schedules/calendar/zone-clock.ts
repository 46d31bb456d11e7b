import { CivilDate, pad } from './civil-date';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** How a local date + wall time maps to instants (semantics §1.2). */
export type WallTimeResolution =
  | { kind: 'single'; at: number }
  | { kind: 'overlap'; first: number; second: number }
  | { kind: 'gap'; gapEnd: number; gapMinutes: number };

const formatters = new Map<string, Intl.DateTimeFormat>();
const offsets = new Map<string, number>();
const MAX_CACHED_OFFSETS = 200_000;

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(zone, f);
  }
  return f;
}

/** True when the runtime's tz database knows the zone. */
export function isKnownZone(zone: string): boolean {
  try {
    formatter(zone);
    return true;
  } catch {
    return false;
  }
}

/**
 * The zone's UTC offset in minutes at an instant, from the tz database via Intl (never a
 * library default for missing or repeated wall times, never the process clock's season).
 */
export function offsetMinutes(zone: string, ms: number): number {
  const at = Math.floor(ms / 1000) * 1000;
  const key = `${zone}|${at}`;
  const cached = offsets.get(key);
  if (cached !== undefined) return cached;
  const parts: Record<string, number> = {};
  for (const part of formatter(zone).formatToParts(new Date(at))) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  const local = Date.UTC(
    parts.year,
    parts.month - 1,
    parts.day,
    parts.hour,
    parts.minute,
    parts.second,
  );
  const offset = Math.round((local - at) / MINUTE);
  if (offsets.size > MAX_CACHED_OFFSETS) offsets.clear();
  offsets.set(key, offset);
  return offset;
}

/**
 * Every instant whose wall clock in `zone` reads `date` at `minuteOfDay`. An instant c shows
 * wall time L when c = L - offset(c); offsets lie within -12h..+14h, so c lies in
 * [L-14h, L+12h]: the offsets just outside that window give the only candidates.
 */
export function resolveWallTime(
  zone: string,
  date: CivilDate,
  minuteOfDay: number,
): WallTimeResolution {
  const local = Date.UTC(date.year, date.month - 1, date.day) + minuteOfDay * MINUTE;
  const lo = local - 15 * HOUR;
  const hi = local + 13 * HOUR;
  const before = offsetMinutes(zone, lo);
  const after = offsetMinutes(zone, hi);
  if (before === after) return { kind: 'single', at: local - before * MINUTE };
  const shows = (c: number) => offsetMinutes(zone, c) * MINUTE === local - c;
  const early = local - before * MINUTE;
  const late = local - after * MINUTE;
  const valid = [early, late].filter(shows).sort((a, b) => a - b);
  if (valid.length === 2 && valid[0] !== valid[1])
    return { kind: 'overlap', first: valid[0], second: valid[1] };
  if (valid.length >= 1) return { kind: 'single', at: valid[0] };
  return {
    kind: 'gap',
    gapEnd: transitionBetween(zone, lo, hi, before),
    gapMinutes: after - before,
  };
}

/** The first instant (to the minute) in (lo, hi] whose offset is no longer `before`. */
function transitionBetween(zone: string, lo: number, hi: number, before: number): number {
  let a = lo;
  let b = hi;
  while (b - a > MINUTE) {
    const mid = a + Math.floor((b - a) / (2 * MINUTE)) * MINUTE;
    if (offsetMinutes(zone, mid) === before) a = mid;
    else b = mid;
  }
  return b;
}

export function formatOffset(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/** Wall clock with offset, e.g. "2026-03-08T03:00:00-04:00". */
export function localIso(zone: string, ms: number): { local: string; utcOffset: string } {
  const offset = offsetMinutes(zone, ms);
  const wall = new Date(Math.floor(ms / 1000) * 1000 + offset * MINUTE).toISOString().slice(0, 19);
  return { local: `${wall}${formatOffset(offset)}`, utcOffset: formatOffset(offset) };
}

/** "03:00 EDT", or "03:00 (UTC+05:45)" where the zone has no common abbreviation. */
export function wallTimeLabel(zone: string, ms: number): string {
  const { local, utcOffset } = localIso(zone, ms);
  const name = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'short' })
    .formatToParts(new Date(ms))
    .find((p) => p.type === 'timeZoneName')?.value;
  const hhmm = local.slice(11, 16);
  return name && !name.startsWith('GMT') && !name.startsWith('UTC')
    ? `${hhmm} ${name}`
    : `${hhmm} (UTC${utcOffset})`;
}
