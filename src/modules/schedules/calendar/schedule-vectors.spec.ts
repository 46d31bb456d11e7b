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

// The shared vectors beside the checkout when present (CI copies shared/ there), else our copy.
const ROOT = path.resolve(__dirname, '../../../..');
const SHARED = path.resolve(ROOT, '../shared/schedule-vectors.json');
const COPY = path.resolve(ROOT, 'test/fixtures/schedule-vectors.json');
const vectors: Vector[] = JSON.parse(readFileSync(existsSync(SHARED) ? SHARED : COPY, 'utf8'));

describe.each([
  ['a clock pinned in January', '2026-01-15T12:00:00Z'],
  ['a clock pinned in July', '2026-07-15T12:00:00Z'],
])('schedule-vectors.json under %s', (_label, now) => {
  beforeAll(() =>
    jest.useFakeTimers({ now: new Date(now), doNotFake: ['nextTick', 'setImmediate'] }),
  );
  afterAll(() => jest.useRealTimers());

  it('has all the cases', () => {
    expect(vectors.length).toBeGreaterThanOrEqual(56);
  });

  it.each(vectors.map((v) => [v.id, v] as const))('%s', (_id, vector) => {
    const runs = nextRuns(vector.schedule, new Date(vector.after), vector.expect_next.length);
    expect(runs.map((r) => r.at.getTime())).toEqual(
      vector.expect_next.map((e) => new Date(e).getTime()),
    );
  });
});
