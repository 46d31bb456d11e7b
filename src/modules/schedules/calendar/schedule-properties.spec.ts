import { parseCron } from './cron-expression';
import { nextRuns } from './schedule-calculator';
import type { ScheduleConfig } from './schedule-config';
import { ZoneRules } from './zone-rules';

/** mulberry32: a tiny seeded PRNG, so a failing case reproduces from its seed. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const VECTOR_ZONES = [
  'America/New_York',
  'Europe/London',
  'Europe/Berlin',
  'Australia/Sydney',
  'Australia/Lord_Howe',
  'Pacific/Chatham',
  'Asia/Kolkata',
  'Asia/Kathmandu',
  'America/Sao_Paulo',
  'Pacific/Apia',
  'UTC',
];
// Midnight transitions (Havana, Santiago), a 2-hour jump (Troll), Ramadan DST (Casablanca),
// negative DST (Dublin), half-hour offsets (St Johns, Tehran).
const MORE_ZONES = [
  'America/Havana',
  'America/Santiago',
  'Antarctica/Troll',
  'Africa/Casablanca',
  'Europe/Dublin',
  'America/St_Johns',
  'Asia/Tehran',
  'Pacific/Auckland',
];
const ZONES = [...VECTOR_ZONES, ...MORE_ZONES];
const CRONS = [
  '*/15 * * * *',
  '0 9 * * 1-5',
  '30 2 * * *',
  '15,45 1-3 * * *',
  '0 */2 * * *',
  '*/20 1,2 * * *',
  '0 9 L * *',
  '0 9 1-7 * 1',
  '5 4 */2 * MON',
  '0 9 31 * *',
  '45 2 * * *',
  '0,30 0-3 * * SUN',
  '0 0 * * *',
  '59 23 * * *',
  '30 0 1 JAN,JUL *',
  '0 12 29 2 *',
];
const CALENDARS = [undefined, undefined, 'US', 'GB', 'DE-BY'];
const FROM = Date.UTC(2025, 0, 1);
const TO = Date.UTC(2030, 0, 1);
const MINUTE_MS = 60_000;

interface Case {
  seed: number;
  config: ScheduleConfig;
  after: Date;
}

function randomCase(seed: number, holidays: boolean): Case {
  const r = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
  const timezone = pick(ZONES);
  const time = `${String(Math.floor(r() * 24)).padStart(2, '0')}:${String(pick([0, 15, 30, 45, 59, Math.floor(r() * 60)])).padStart(2, '0')}`;
  const business = r() < 0.3;
  const base: Pick<ScheduleConfig, 'timezone' | 'business_days_only' | 'holiday_calendar'> = {
    timezone,
    ...(business ? { business_days_only: true } : {}),
  };
  const calendar = business && holidays ? pick(CALENDARS) : undefined;
  if (calendar) base.holiday_calendar = calendar;
  let config: ScheduleConfig;
  switch (pick(['daily', 'weekly', 'monthly', 'cron'] as const)) {
    case 'daily':
      config = { ...base, cadence: 'daily', time };
      break;
    case 'weekly':
      config = { ...base, cadence: 'weekly', time, day_of_week: 1 + Math.floor(r() * 7) };
      break;
    case 'monthly':
      config = { ...base, cadence: 'monthly', time, day_of_month: 1 + Math.floor(r() * 31) };
      break;
    default:
      config = { ...base, cadence: 'cron', time: null, cron_expression: pick(CRONS) };
  }
  // Most `after` values fall just before one of the zone's clock changes (within 4 hours, or
  // within a day and a half), so runs in gaps and overlaps come up often.
  let after = FROM + Math.floor(r() * (TO - FROM));
  const changes = ZoneRules.of(timezone)?.transitionsBetween(FROM, TO) ?? [];
  if (changes.length > 0 && r() < 0.7) {
    const hours = r() < 0.6 ? 4 : 36;
    after = pick(changes) - Math.round(r() * hours * 4) * 15 * MINUTE_MS + 30 * MINUTE_MS;
    if (r() < 0.5) after += Math.floor(r() * MINUTE_MS);
  }
  return { seed, config, after: new Date(after) };
}

const cases = (first: number, n: number, holidays = true) =>
  Array.from({ length: n }, (_, i) => randomCase(first + i, holidays));

/**
 * A brute-force reference after docs/api.md §1.2–§1.5, on the runtime's own tz database
 * (Intl) rather than the calculator's: for each local date it walks every UTC minute of a
 * three-day window, reads the wall clock, and inverts that map.
 */
class Reference {
  private readonly format: Intl.DateTimeFormat;
  private readonly offsets = new Map<number, number>();
  private inverseDay?: { day: number; shows: number[][] };

  constructor(private readonly zone: string) {
    this.format = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
    });
  }

  runs(config: ScheduleConfig, after: Date, n: number): number[] {
    const afterMinute = Math.floor(after.getTime() / MINUTE_MS);
    const rolls = config.business_days_only && config.cadence !== 'daily';
    const first = Math.floor(this.wall(afterMinute) / 1440) - (rolls ? 5 : 2);
    const found = new Set<number>();
    let enoughBy = Infinity;
    for (let day = first; day < first + 20_000 && day <= enoughBy; day += 1) {
      for (const [runDay, minuteOfDay, wildcard] of this.slots(config, day)) {
        for (const minute of this.instants(runDay, minuteOfDay, wildcard)) {
          if (minute * MINUTE_MS > after.getTime()) found.add(minute);
        }
      }
      const sorted = [...found].sort((a, b) => a - b);
      if (sorted.length >= n && enoughBy === Infinity) {
        enoughBy = Math.floor(this.wall(sorted[n - 1]) / 1440) + 1;
      }
    }
    return [...found]
      .sort((a, b) => a - b)
      .slice(0, n)
      .map((m) => m * MINUTE_MS);
  }

  /** [run date, minute of day, wildcard] of the schedule's slots whose nominal date is `day`. */
  private slots(config: ScheduleConfig, day: number): [number, number, boolean][] {
    const date = new Date(day * 86_400_000);
    const dom = date.getUTCDate();
    const month = date.getUTCMonth() + 1;
    const weekday = date.getUTCDay(); // 0 = Sunday
    const lastDay = new Date(Date.UTC(date.getUTCFullYear(), month, 0)).getUTCDate();
    const weekend = (d: number) => [0, 6].includes(new Date(d * 86_400_000).getUTCDay());
    let runDay = day;
    if (config.business_days_only) {
      if (weekend(day) && ['daily', 'cron'].includes(config.cadence)) return [];
      while (weekend(runDay)) runDay += 1;
    }
    const [hh, mm] = (config.time ?? '0:0').split(':').map(Number);
    const atTime: [number, number, boolean][] = [[runDay, hh * 60 + mm, false]];
    switch (config.cadence) {
      case 'daily':
        return atTime;
      case 'weekly':
        return weekday === (config.day_of_week ?? 0) % 7 ? atTime : [];
      case 'monthly':
        return dom === Math.min(config.day_of_month ?? 0, lastDay) ? atTime : [];
      case 'cron': {
        const text = (config.cron_expression ?? '').split(/\s+/);
        const cron = parseCron(config.cron_expression ?? '');
        const domHit = cron.daysOfMonth.includes(dom) || (cron.lastDayOfMonth && dom === lastDay);
        const dowHit = cron.daysOfWeek.includes(weekday);
        const domStar = text[2].startsWith('*');
        const dowStar = text[4].startsWith('*');
        const dayHit = !domStar && !dowStar ? domHit || dowHit : domHit && dowHit;
        if (!cron.months.includes(month) || !dayHit) return [];
        const wildcard = text[0].startsWith('*') || text[1].startsWith('*');
        return cron.hours.flatMap((h) =>
          cron.minutes.map((m): [number, number, boolean] => [day, h * 60 + m, wildcard]),
        );
      }
    }
  }

  /** UTC minutes at which the wall clock of `day` reads `minuteOfDay`, per docs/api.md §1.2. */
  private instants(day: number, minuteOfDay: number, wildcard: boolean): number[] {
    const local = day * 1440 + minuteOfDay;
    const shows = this.inverse(day)[minuteOfDay];
    if (shows.length === 1) return shows;
    if (shows.length > 1) return wildcard ? shows : [shows[0]];
    if (wildcard) return [];
    for (let c = local - 15 * 60; c <= local + 13 * 60; c += 1) {
      if (this.wall(c) > local) {
        const jump = this.wall(c) - c - (this.wall(c - 1) - (c - 1));
        return jump < 180 ? [c] : [];
      }
    }
    return [];
  }

  /** For one local date: minute of day → every UTC minute showing it, from a 3-day walk. */
  private inverse(day: number): number[][] {
    if (this.inverseDay?.day === day) return this.inverseDay.shows;
    const shows: number[][] = Array.from({ length: 1440 }, () => []);
    for (let hour = day * 1440 - 15 * 60; hour < (day + 1) * 1440 + 13 * 60; hour += 60) {
      const start = this.offsetAt(hour);
      const steady = start === this.offsetAt(hour + 60);
      for (let c = hour; c < hour + 60; c += 1) {
        const w = c + (steady ? start : this.offsetAt(c)) - day * 1440;
        if (w >= 0 && w < 1440) shows[w].push(c);
      }
    }
    this.inverseDay = { day, shows };
    return shows;
  }

  /** The wall clock (local minutes since 1970) at UTC minute `c`. */
  private wall(c: number): number {
    // Offsets are read per hour, and per minute inside an hour where they change.
    const hour = Math.floor(c / 60) * 60;
    const start = this.offsetAt(hour);
    return c + (start === this.offsetAt(hour + 60) ? start : this.offsetAt(c));
  }

  private offsetAt(c: number): number {
    let offset = this.offsets.get(c);
    if (offset === undefined) {
      const p = Object.fromEntries(
        this.format.formatToParts(c * MINUTE_MS).map((x) => [x.type, Number(x.value)]),
      );
      offset = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute) / MINUTE_MS - c;
      this.offsets.set(c, offset);
    }
    return offset;
  }
}

const references = new Map<string, Reference>();
const reference = (zone: string) => {
  if (!references.has(zone)) references.set(zone, new Reference(zone));
  return references.get(zone) as Reference;
};

const show = ({ seed, config, after }: Case) =>
  `seed ${seed}: ${JSON.stringify(config)} after ${after.toISOString()}`;
const iso = (ms: number[]) => ms.map((m) => new Date(m).toISOString());

describe('nextRuns properties (seeded random configs, 2025–2029)', () => {
  const sample = cases(20_261_128, 400);

  it('is strictly increasing, strictly after `after`, and without duplicates', () => {
    const broken = sample.filter((c) => {
      const runs = nextRuns(c.config, c.after, 8).map((r) => r.at.getTime());
      return !runs.every((t, i) => t > c.after.getTime() && (i === 0 || t > runs[i - 1]));
    });
    expect(broken.map(show)).toEqual([]);
  });

  it('chains: the run after run i is run i+1 (the scheduler advances from the claimed slot)', () => {
    const broken: string[] = [];
    for (const c of sample.slice(0, 250)) {
      const runs = nextRuns(c.config, c.after, 6).map((r) => r.at.getTime());
      for (let i = 0; i + 1 < runs.length; i += 1) {
        const next = nextRuns(c.config, new Date(runs[i]), 1)[0]?.at.getTime();
        if (next !== runs[i + 1]) broken.push(`${show(c)}: after run ${i} got ${next}`);
      }
    }
    expect(broken).toEqual([]);
  });

  it('does not depend on the process clock’s season', () => {
    const answer = (now: string) => {
      jest.useFakeTimers({ now: new Date(now) });
      try {
        return sample.map((c) => nextRuns(c.config, c.after, 5));
      } finally {
        jest.useRealTimers();
      }
    };
    expect(answer('2026-01-15T12:00:00Z')).toEqual(answer('2026-07-15T12:00:00Z'));
  });

  it('agrees with a brute-force reference on the runtime tz database', () => {
    const mismatches: string[] = [];
    for (const c of cases(7_000, 300, false)) {
      const got = nextRuns(c.config, c.after, 6).map((r) => r.at.getTime());
      const want = reference(c.config.timezone).runs(c.config, c.after, 6);
      if (got.join() !== want.join()) {
        mismatches.push(`${show(c)}\n  got  ${iso(got).join(' ')}\n  want ${iso(want).join(' ')}`);
      }
    }
    expect(mismatches).toEqual([]);
  });
});
