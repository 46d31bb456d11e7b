import { Injectable, MessageEvent } from '@nestjs/common';
import {
  concat,
  defer,
  distinctUntilChanged,
  EMPTY,
  filter,
  finalize,
  interval,
  map,
  merge,
  Observable,
  share,
  switchMap,
  takeUntil,
  takeWhile,
  timer,
} from 'rxjs';
import { Actor } from 'src/common/auth/actor';
import { ExecutionEvent, ExecutionEventsService } from './execution-events.service';
import { ReportExecution } from './entities/report-execution.entity';
import { ExecutionsRepository } from './executions.repository';

// Re-read the row this often, so a lost pub/sub message (Redis restart) only delays an event.
const POLL_MS = 5000;
/** Streams one member may hold open in one API process. */
export const MAX_STREAMS_PER_MEMBER = 5;
const TERMINAL = new Set(['completed', 'failed']);

/**
 * The SSE stream of one execution: its status now, then each change, ending when it finishes,
 * or when the token that opened it expires. However many watch one execution, one poll of the
 * database serves them all. Access is checked before the stream opens (ExecutionVisibleGuard).
 */
@Injectable()
export class ExecutionStatusStream {
  private readonly polls = new Map<string, Observable<ExecutionEvent>>();
  private readonly openPerMember = new Map<string, number>();

  constructor(
    private readonly executions: ExecutionsRepository,
    private readonly events: ExecutionEventsService,
  ) {}

  /** Whether the member may open one more stream here. */
  hasRoomFor(actor: Actor): boolean {
    return (this.openPerMember.get(memberKey(actor)) ?? 0) < MAX_STREAMS_PER_MEMBER;
  }

  open(actor: Actor, id: string): Observable<MessageEvent> {
    const key = memberKey(actor);
    const expired = actor.tokenExpiresAt
      ? timer(Math.max(0, actor.tokenExpiresAt.getTime() - Date.now()))
      : EMPTY;
    return defer(() => {
      this.openPerMember.set(key, (this.openPerMember.get(key) ?? 0) + 1);
      const now = this.read(actor.orgId, id);
      return merge(this.events.watch(id), concat(now, this.poll(actor.orgId, id)));
    }).pipe(
      distinctUntilChanged((a, b) => a.status === b.status),
      takeWhile((event) => !TERMINAL.has(event.status), true),
      takeUntil(expired),
      map((event) => ({ type: 'status', data: event })),
      finalize(() => {
        const left = (this.openPerMember.get(key) ?? 1) - 1;
        if (left > 0) this.openPerMember.set(key, left);
        else this.openPerMember.delete(key);
      }),
    );
  }

  /** The row every POLL_MS: one timer and one query per execution, whoever watches it. */
  private poll(orgId: string, id: string): Observable<ExecutionEvent> {
    const existing = this.polls.get(id);
    if (existing) return existing;
    const shared = interval(POLL_MS).pipe(
      switchMap(() => this.read(orgId, id)),
      finalize(() => this.polls.delete(id)),
      share({ resetOnRefCountZero: true }),
    );
    this.polls.set(id, shared);
    return shared;
  }

  private read(orgId: string, id: string): Observable<ExecutionEvent> {
    return defer(() => this.executions.findOne(orgId, id)).pipe(
      filter((row): row is ReportExecution => row !== null),
      map(toEvent),
    );
  }
}

function memberKey(actor: Actor): string {
  return `${actor.orgId}:${actor.userId}`;
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
