import { nextRuns } from './schedule-calculator';
import type { ScheduleConfig } from './schedule-config';

/** A small seeded PRNG (mulberry32) so failures reproduce. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ZONES = [
  'America/New_York',
  'Europe/London',
  'Europe/Berlin',
  'Australia/Sydney',
  'Australia/Lord_Howe',
  'Pacific/Chatham',
  'Asia/Kolkata',
  'Asia/Kathmandu',
  'America/Sao_Paulo',
  'UTC',
  'America/Havana',
  'Asia/Tehran',
  'America/St_Johns',
  'Pacific/Auckland',
];
const CRONS = [
  '*/15 * * * *',
  '0 9 * * 1-5',
  '30 2 * * *',
  '15,45 1-3 * * *',
  '0 */2 * * *',
  '0 9 L * *',
  '0 9 1-7 * 1',
  '5 4 */2 * MON',
];

function randomConfig(r: () => number): ScheduleConfig {
  const pick = <T>(xs: T[]) => xs[Math.floor(r() * xs.length)];
  const time = `${String(Math.floor(r() * 24)).padStart(2, '0')}:${String(pick([0, 15, 30, 45, 59])).padStart(2, '0')}`;
  const base = { timezone: pick(ZONES), business_days_only: r() < 0.3 };
  switch (pick(['daily', 'weekly', 'monthly', 'cron'] as const)) {
    case 'daily':
      return { ...base, cadence: 'daily', time };
    case 'weekly':
      return { ...base, cadence: 'weekly', time, day_of_week: 1 + Math.floor(r() * 7) };
    case 'monthly':
      return { ...base, cadence: 'monthly', time, day_of_month: 1 + Math.floor(r() * 31) };
    default:
      return { ...base, cadence: 'cron', time: null, cron_expression: pick(CRONS) };
  }
}

const START = Date.UTC(2025, 0, 1);
const SPAN = Date.UTC(2029, 11, 31) - START;

function sample(seed: number, cases: number) {
  const r = random(seed);
  return Array.from({ length: cases }, () => ({
    config: randomConfig(r),
    after: new Date(START + Math.floor(r() * SPAN)),
  }));
}

describe('nextRuns properties (random configs, 2025–2029)', () => {
  const cases = sample(20261128, 300);

  it('is strictly increasing, strictly after `after`, without duplicates', () => {
    for (const { config, after } of cases) {
      const runs = nextRuns(config, after, 8).map((x) => x.at.getTime());
      expect({
        config,
        after,
        ok: runs.every((t, i) => t > after.getTime() && (i === 0 || t > runs[i - 1])),
      }).toEqual({
        config,
        after,
        ok: true,
      });
    }
  });

  it('chains: the run after run i is run i+1 (the scheduler advances from the claimed slot)', () => {
    for (const { config, after } of cases.slice(0, 120)) {
      const runs = nextRuns(config, after, 6);
      for (let i = 0; i + 1 < runs.length; i += 1) {
        expect({ config, from: runs[i].at, next: nextRuns(config, runs[i].at, 1)[0]?.at }).toEqual({
          config,
          from: runs[i].at,
          next: runs[i + 1].at,
        });
      }
    }
  });

  it('gives the same answer whatever the process clock’s season', () => {
    const answer = (now: string) => {
      jest.useFakeTimers({ now: new Date(now) });
      try {
        return cases
          .slice(0, 150)
          .map(({ config, after }) => nextRuns(config, after, 5).map((x) => x.at.toISOString()));
      } finally {
        jest.useRealTimers();
      }
    };
    expect(answer('2026-01-15T12:00:00Z')).toEqual(answer('2026-07-15T12:00:00Z'));
  });

  it('is fast enough for a scheduler batch', () => {
    const daily: ScheduleConfig = { cadence: 'daily', time: '09:00', timezone: 'America/New_York' };
    const cron: ScheduleConfig = {
      cadence: 'cron',
      time: null,
      timezone: 'Europe/Berlin',
      cron_expression: '*/15 * * * *',
    };
    for (const config of [daily, cron]) {
      const started = performance.now();
      for (let i = 0; i < 2000; i += 1) nextRuns(config, new Date(START + i * 3_600_000), 1);
      const perCallMicros = ((performance.now() - started) * 1000) / 2000;
      // Generous bound (a CI machine may be busy); typical figures are a few tens of µs.
      expect(perCallMicros).toBeLessThan(2000);
    }
  });
});
