import { nextCursor, scanForOrphans } from './orphan-scan';

const rows = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `id-${1000 + i}` }));

describe('scanForOrphans', () => {
  afterEach(() => jest.useRealTimers());

  it('gives up on a row Redis never answers for, and still sorts out the rest', async () => {
    jest.useFakeTimers();
    const page = rows(3);
    const scanning = scanForOrphans(
      page,
      (row) =>
        row.id === 'id-1001' ? new Promise<boolean>(() => undefined) : Promise.resolve(true),
      performance.now() + 60_000,
    );
    await jest.advanceTimersByTimeAsync(3000);
    const scan = await scanning;
    expect(scan).toEqual({ orphans: [page[0], page[2]], scanned: 3, unanswered: 1 });
  });

  it('stops at the first group Redis answers nothing for, without counting it as looked at', async () => {
    const scan = await scanForOrphans(
      rows(40),
      () => Promise.reject(new Error('Redis is away')),
      performance.now() + 60_000,
    );
    expect(scan).toEqual({ orphans: [], scanned: 0, unanswered: 0 });
  });

  it('stops when the pass is out of time, leaving the rest for the next', async () => {
    let calls = 0;
    const scan = await scanForOrphans(
      rows(100),
      async () => {
        calls += 1;
        return false;
      },
      performance.now() - 1,
    );
    expect(scan.scanned).toBe(0);
    expect(calls).toBe(0);
  });
});

describe('nextCursor', () => {
  it('continues after the last row looked at, and starts over after a short page looked at in full', () => {
    const page = rows(10);
    expect(nextCursor(undefined, page, 4, 10)).toBe('id-1003');
    expect(nextCursor('id-0999', page, 10, 10)).toBe('id-1009');
    expect(nextCursor('id-0999', page.slice(0, 6), 6, 10)).toBeUndefined();
    expect(nextCursor('id-0999', page, 0, 10)).toBe('id-0999');
  });
});
