import { Injectable, MessageEvent } from '@nestjs/common';
import {
  concat,
  defer,
  distinctUntilChanged,
  filter,
  interval,
  map,
  merge,
  Observable,
  switchMap,
  takeWhile,
} from 'rxjs';
import { Actor } from 'src/common/auth/actor';
import { MemberStreams } from 'src/common/streams/member-streams';
import { SharedPolls } from 'src/common/streams/shared-polls';
import { ExecutionEvent, ExecutionEventsService } from './execution-events.service';
import { ReportExecution } from './entities/report-execution.entity';
import { ExecutionsRepository } from './executions.repository';

// Re-read the row this often, so a lost pub/sub message (Redis restart) only delays an event.
const POLL_MS = 5000;
const TERMINAL = new Set(['completed', 'failed']);

/**
 * The SSE stream of one execution: its status now, then each change, ending when it finishes,
 * or when the token that opened it expires. However many watch one execution, one poll of the
 * database serves them all. Access is checked before the stream opens (ExecutionVisibleGuard).
 */
@Injectable()
export class ExecutionStatusStream {
  private readonly rows = new SharedPolls<ExecutionEvent>();

  constructor(
    private readonly executions: ExecutionsRepository,
    private readonly events: ExecutionEventsService,
    private readonly streams: MemberStreams,
  ) {}

  open(actor: Actor, id: string): Observable<MessageEvent> {
    const changes = defer(() =>
      merge(this.events.watch(id), concat(this.read(actor.orgId, id), this.poll(actor.orgId, id))),
    ).pipe(
      distinctUntilChanged((a, b) => a.status === b.status),
      takeWhile((event) => !TERMINAL.has(event.status), true),
      map((event) => ({ type: 'status', data: event })),
    );
    return this.streams.hold(actor, changes);
  }

  /** The row every POLL_MS: one timer and one query per execution, whoever watches it. */
  private poll(orgId: string, id: string): Observable<ExecutionEvent> {
    return this.rows.get(id, () => interval(POLL_MS).pipe(switchMap(() => this.read(orgId, id))));
  }

  private read(orgId: string, id: string): Observable<ExecutionEvent> {
    return defer(() => this.executions.findOne(orgId, id)).pipe(
      filter((row): row is ReportExecution => row !== null),
      map(toEvent),
    );
  }
}

function toEvent(e: ReportExecution): ExecutionEvent {
  return {
    execution_id: e.id,
    status: e.status,
    at: e.updated_at.toISOString(),
    error_message: e.error_message,
    file_size: e.file_size,
    rows_generated: (e.metadata?.rows_generated as number | undefined) ?? undefined,
  };
}
