import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { nextRuns } from './schedule-calculator';
import type { ScheduleConfig } from './schedule-config';

interface Vector {
  id: string;
  schedule: ScheduleConfig;
  after: string;
  expect_next: string[];
  why: string;
}

// The shared vectors beside the checkout (/work/shared) when present, else the committed copy.
const SHARED = path.resolve(__dirname, '../../../../../shared/schedule-vectors.json');
const COPY = path.resolve(__dirname, '../../../../test/fixtures/schedule-vectors.json');
const source = existsSync(SHARED) ? SHARED : COPY;
const vectors: Vector[] = JSON.parse(readFileSync(source, 'utf8'));

describe.each([
  ['a clock pinned in January', '2026-01-15T12:00:00Z'],
  ['a clock pinned in July', '2026-07-15T12:00:00Z'],
])('schedule-vectors.json under %s', (_label, now) => {
  beforeAll(() => jest.useFakeTimers({ now: new Date(now) }));
  afterAll(() => jest.useRealTimers());

  it('has all the cases', () => {
    expect(vectors.length).toBeGreaterThanOrEqual(56);
    expect(vectors.every((v) => v.expect_next.length === 5)).toBe(true);
  });

  it.each(vectors.map((v) => [v.id, v] as const))('%s', (_id, vector) => {
    const runs = nextRuns(vector.schedule, new Date(vector.after), vector.expect_next.length);
    expect(runs.map((r) => r.at.getTime())).toEqual(
      vector.expect_next.map((e) => new Date(e).getTime()),
    );
    // The wall clock shown is the same instant.
    expect(runs.map((r) => new Date(r.local).getTime())).toEqual(runs.map((r) => r.at.getTime()));
  });
});
