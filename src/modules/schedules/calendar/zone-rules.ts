import moment from 'moment-timezone';
import { clockTime, DAY_MS, formatDay, pad2 } from './civil-date';

const MINUTE_MS = 60_000;
// Offsets span -12 h … +14 h, so the instants showing a wall time lie in [wall-14h, wall+12h];
// one hour of margin each side.
const BEFORE_MS = 15 * 3_600_000;
const AFTER_MS = 13 * 3_600_000;

/** How a local wall time maps to instants (docs/api.md §1.2). */
export type WallTime =
  | { kind: 'single'; at: number }
  | { kind: 'overlap'; first: number; second: number }
  | { kind: 'gap'; gapEnd: number; gapMinutes: number };

/**
 * A zone's UTC offsets over time, read from the tz database that moment-timezone ships
 * (tzdata 2025b, the version the shared vectors were made with; the same data names files
 * and date ranges elsewhere). Only the transition table is used: never a library's guess
 * for a missing or repeated wall time, never the process clock or zone.
 */
export class ZoneRules {
  private static readonly byName = new Map<string, ZoneRules>();
  private static names?: Set<string>;
  private lastDay = NaN;
  private lastDayOffset: number | null = null;

  private constructor(
    readonly name: string,
    /** untils[i]: the instant period i ends (the last is Infinity). */
    private readonly untils: number[],
    /** Minutes east of UTC in period i. */
    private readonly offsets: number[],
    private readonly abbrs: string[],
  ) {}

  /** Exact tz database names (with links such as US/Eastern), as moment-timezone lists them. */
  static isKnown(name: string): boolean {
    ZoneRules.names ??= new Set(moment.tz.names());
    return typeof name === 'string' && ZoneRules.names.has(name);
  }

  static of(name: string): ZoneRules | null {
    let rules = ZoneRules.byName.get(name);
    if (!rules) {
      const zone = ZoneRules.isKnown(name) ? moment.tz.zone(name) : null;
      if (!zone) return null; // unknown names are not cached: the cache holds real zones only
      // moment stores minutes west; the rest of this code thinks in minutes east.
      const east = zone.offsets.map((o) => -o);
      rules = new ZoneRules(name, zone.untils, east, zone.abbrs);
      ZoneRules.byName.set(name, rules);
    }
    return rules;
  }

  offsetAt(ms: number): number {
    return this.offsets[this.periodAt(ms)];
  }

  /** The tz abbreviation in force ("EDT", "CEST"), or null where tzdata only has a number. */
  abbreviationAt(ms: number): string | null {
    const abbr = this.abbrs[this.periodAt(ms)];
    return /^[A-Za-z]/.test(abbr) ? abbr : null;
  }

  /** The local day number of an instant. */
  localDay(ms: number): number {
    return Math.floor((ms + this.offsetAt(ms) * MINUTE_MS) / DAY_MS);
  }

  /**
   * The one offset that holds for every wall time of local day `day`, or null when a
   * transition lies near it. Most days are steady: their wall times are plain arithmetic.
   */
  steadyOffset(day: number): number | null {
    if (day !== this.lastDay) {
      const start = day * DAY_MS;
      const i = this.periodAt(start - BEFORE_MS);
      this.lastDayOffset = i === this.periodAt(start + DAY_MS + AFTER_MS) ? this.offsets[i] : null;
      this.lastDay = day;
    }
    return this.lastDayOffset;
  }

  /** A lower bound of the instants of local day `day`. */
  dayStartBound(day: number): number {
    const offset = this.steadyOffset(day);
    return day * DAY_MS - (offset === null ? BEFORE_MS : offset * MINUTE_MS);
  }

  /** Every instant whose wall clock reads `wall` (local ms on a UTC-like axis). */
  resolve(wall: number): WallTime {
    const lo = this.periodAt(wall - BEFORE_MS);
    const hi = this.periodAt(wall + AFTER_MS);
    if (lo === hi) return { kind: 'single', at: wall - this.offsets[lo] * MINUTE_MS };
    const valid: number[] = [];
    for (let i = lo; i <= hi; i += 1) {
      const at = wall - this.offsets[i] * MINUTE_MS;
      if (at >= this.periodStart(i) && at < this.untils[i]) valid.push(at);
    }
    if (valid.length === 1) return { kind: 'single', at: valid[0] };
    if (valid.length > 1)
      return { kind: 'overlap', first: valid[0], second: valid[valid.length - 1] };
    // No instant shows it: the clock jumped over it at the transition that starts period i.
    for (let i = lo + 1; i <= hi; i += 1) {
      const t = this.untils[i - 1];
      if (t + this.offsets[i - 1] * MINUTE_MS <= wall && wall < t + this.offsets[i] * MINUTE_MS) {
        return { kind: 'gap', gapEnd: t, gapMinutes: this.offsets[i] - this.offsets[i - 1] };
      }
    }
    throw new Error(`${this.name}: wall time ${wall} neither exists nor falls in a gap`);
  }

  /** Transition instants in [from, to). */
  transitionsBetween(from: number, to: number): number[] {
    const out: number[] = [];
    for (let i = this.periodAt(from); this.untils[i] < to; i += 1) out.push(this.untils[i]);
    return out;
  }

  /** "2026-03-08T03:00:00-04:00" and "-04:00" for an instant. */
  localIso(ms: number): { local: string; utcOffset: string } {
    const offset = this.offsetAt(ms);
    const wall = ms + offset * MINUTE_MS;
    const day = Math.floor(wall / DAY_MS);
    const seconds = Math.floor((wall - day * DAY_MS) / 1000);
    const time = `${clockTime(Math.floor(seconds / 60))}:${pad2(seconds % 60)}`;
    const utcOffset = formatOffset(offset);
    return { local: `${formatDay(day)}T${time}${utcOffset}`, utcOffset };
  }

  /** "03:00 EDT", or "03:45 UTC+13:45" where tzdata has no letters for the zone. */
  wallTimeLabel(ms: number): string {
    const { local, utcOffset } = this.localIso(ms);
    return `${local.slice(11, 16)} ${this.abbreviationAt(ms) ?? `UTC${utcOffset}`}`;
  }

  private periodStart(i: number): number {
    return i === 0 ? -Infinity : this.untils[i - 1];
  }

  /** The first period whose end is after `ms` (binary search). */
  private periodAt(ms: number): number {
    let lo = 0;
    let hi = this.untils.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (ms < this.untils[mid]) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }
}

export function formatOffset(minutes: number): string {
  const abs = Math.abs(Math.round(minutes));
  return `${minutes < 0 ? '-' : '+'}${pad2(Math.floor(abs / 60))}:${pad2(abs % 60)}`;
}
