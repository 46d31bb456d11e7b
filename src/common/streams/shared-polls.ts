import { finalize, Observable, ReplaySubject, share, Subject } from 'rxjs';

/**
 * One polling observable per key (an execution, an organization), shared by everyone watching
 * it, so a thousand watchers cost one timer and one query per tick; it stops when the last of
 * them leaves and starts afresh for the next.
 */
export class SharedPolls<T> {
  private readonly polls = new Map<string, Observable<T>>();

  /** `replayLatest`: a new watcher gets the latest value at once instead of waiting a tick. */
  constructor(private readonly options: { replayLatest?: boolean } = {}) {}

  get(key: string, create: () => Observable<T>): Observable<T> {
    const existing = this.polls.get(key);
    if (existing) return existing;
    const shared: Observable<T> = create().pipe(
      finalize(() => {
        if (this.polls.get(key) === shared) this.polls.delete(key);
      }),
      share({
        connector: () => (this.options.replayLatest ? new ReplaySubject<T>(1) : new Subject<T>()),
        resetOnRefCountZero: true,
      }),
    );
    this.polls.set(key, shared);
    return shared;
  }
}
