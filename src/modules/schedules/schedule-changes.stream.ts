import { Injectable, Logger, MessageEvent } from '@nestjs/common';
import {
  catchError,
  defer,
  distinctUntilChanged,
  EMPTY,
  exhaustMap,
  finalize,
  map,
  Observable,
  shareReplay,
  takeUntil,
  timer,
} from 'rxjs';
import { Actor } from 'src/common/auth/actor';
import { ScheduleChangesRepository } from './schedule-changes.repository';

// How stale a list may be: schedule changes come from API requests, workers and the scheduler,
// in any process, and one cheap query per organization sees them all.
const POLL_MS = 2000;
/** Schedule streams one member may hold open in one API process (a console tab needs one). */
export const MAX_SCHEDULE_STREAMS_PER_MEMBER = 5;

/**
 * The SSE stream of an organization's schedules: an event when the stream opens, then one
 * whenever a schedule, a run or a delivery of the organization changed, so a list re-reads
 * itself; ends when the token that opened it expires. However many of an organization's
 * members watch, one poll of the database per API process serves them all, and it stops when
 * the last of them leaves.
 */
@Injectable()
export class ScheduleChangesStream {
  private readonly logger = new Logger(ScheduleChangesStream.name);
  private readonly polls = new Map<string, Observable<string>>();
  private readonly openPerMember = new Map<string, number>();

  constructor(private readonly changes: ScheduleChangesRepository) {}

  /** Whether the member may open one more stream here. */
  hasRoomFor(actor: Actor): boolean {
    return (this.openPerMember.get(memberKey(actor)) ?? 0) < MAX_SCHEDULE_STREAMS_PER_MEMBER;
  }

  open(actor: Actor): Observable<MessageEvent> {
    const key = memberKey(actor);
    const expired = actor.tokenExpiresAt
      ? timer(Math.max(0, actor.tokenExpiresAt.getTime() - Date.now()))
      : EMPTY;
    return defer(() => {
      this.openPerMember.set(key, (this.openPerMember.get(key) ?? 0) + 1);
      return this.poll(actor.orgId);
    }).pipe(
      takeUntil(expired),
      map(() => ({ type: 'changed', data: { at: new Date().toISOString() } })),
      finalize(() => {
        const left = (this.openPerMember.get(key) ?? 1) - 1;
        if (left > 0) this.openPerMember.set(key, left);
        else this.openPerMember.delete(key);
      }),
    );
  }

  /**
   * The organization's fingerprint each time it differs; a new watcher gets the latest at once.
   * A failed read (database restarting) is skipped: the next one catches up.
   */
  private poll(orgId: string): Observable<string> {
    const existing = this.polls.get(orgId);
    if (existing) return existing;
    const shared = timer(0, POLL_MS).pipe(
      exhaustMap(() =>
        defer(() => this.changes.fingerprint(orgId)).pipe(
          catchError((error: Error) => {
            this.logger.debug(`changes of ${orgId} not read: ${error.message}`);
            return EMPTY;
          }),
        ),
      ),
      distinctUntilChanged(),
      finalize(() => {
        if (this.polls.get(orgId) === shared) this.polls.delete(orgId);
      }),
      shareReplay({ bufferSize: 1, refCount: true }),
    );
    this.polls.set(orgId, shared);
    return shared;
  }
}

function memberKey(actor: Actor): string {
  return `${actor.orgId}:${actor.userId}`;
}
