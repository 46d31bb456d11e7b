import { Injectable, Logger, MessageEvent } from '@nestjs/common';
import {
  catchError,
  defer,
  distinctUntilChanged,
  EMPTY,
  exhaustMap,
  map,
  Observable,
  timer,
} from 'rxjs';
import { Actor } from 'src/common/auth/actor';
import { MemberStreams } from 'src/common/streams/member-streams';
import { SharedPolls } from 'src/common/streams/shared-polls';
import { ScheduleChangesRepository } from './schedule-changes.repository';

// How stale a list may be: schedule changes come from API requests, workers and the scheduler,
// in any process, and one cheap query per organization sees them all.
const POLL_MS = 2000;

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
  private readonly fingerprints = new SharedPolls<string>({ replayLatest: true });

  constructor(
    private readonly changes: ScheduleChangesRepository,
    private readonly streams: MemberStreams,
  ) {}

  open(actor: Actor): Observable<MessageEvent> {
    return this.streams.hold(
      actor,
      this.poll(actor.orgId).pipe(
        map(() => ({ type: 'changed', data: { at: new Date().toISOString() } })),
      ),
    );
  }

  /**
   * The organization's fingerprint each time it differs; a new watcher gets the latest at once.
   * A failed read (database restarting) is skipped: the next one catches up.
   */
  private poll(orgId: string): Observable<string> {
    return this.fingerprints.get(orgId, () =>
      timer(0, POLL_MS).pipe(
        exhaustMap(() =>
          defer(() => this.changes.fingerprint(orgId)).pipe(
            catchError((error: Error) => {
              this.logger.debug(`changes of ${orgId} not read: ${error.message}`);
              return EMPTY;
            }),
          ),
        ),
        distinctUntilChanged(),
      ),
    );
  }
}
