import { interval, map, Observable, Subscription } from 'rxjs';
import { SharedPolls } from './shared-polls';

/** A poll that counts how many timers were started and how many ticks it read. */
function countingPoll() {
  const counts = { started: 0, reads: 0 };
  const create = (): Observable<number> =>
    new Observable<number>((subscriber) => {
      counts.started += 1;
      return interval(1000)
        .pipe(map(() => (counts.reads += 1)))
        .subscribe(subscriber);
    });
  return { counts, create };
}

describe('SharedPolls', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('runs one poll per key however many watch it, and stops it when the last leaves', async () => {
    const polls = new SharedPolls<number>();
    const { counts, create } = countingPoll();
    const watchers: Subscription[] = [1, 2, 3].map(() => polls.get('a', create).subscribe());
    await jest.advanceTimersByTimeAsync(3000);
    expect(counts).toEqual({ started: 1, reads: 3 });

    watchers.forEach((w) => w.unsubscribe());
    await jest.advanceTimersByTimeAsync(3000);
    expect(counts.reads).toBe(3);

    const again = polls.get('a', create).subscribe();
    await jest.advanceTimersByTimeAsync(1000);
    expect(counts).toEqual({ started: 2, reads: 4 });
    again.unsubscribe();
  });

  it('keeps keys apart', async () => {
    const polls = new SharedPolls<number>();
    const { counts, create } = countingPoll();
    const a = polls.get('a', create).subscribe();
    const b = polls.get('b', create).subscribe();
    expect(counts.started).toBe(2);
    a.unsubscribe();
    b.unsubscribe();
  });

  it('with replayLatest, a late watcher gets the latest value at once', async () => {
    const polls = new SharedPolls<number>({ replayLatest: true });
    const { create } = countingPoll();
    const first = polls.get('a', create).subscribe();
    await jest.advanceTimersByTimeAsync(2000);

    const seen: number[] = [];
    const late = polls.get('a', create).subscribe((value) => seen.push(value));
    expect(seen).toEqual([2]);
    first.unsubscribe();
    late.unsubscribe();
  });
});
