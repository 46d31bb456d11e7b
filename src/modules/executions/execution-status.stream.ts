import { Injectable, MessageEvent } from '@nestjs/common';
import {
  concat,
  defer,
  distinctUntilChanged,
  interval,
  map,
  merge,
  Observable,
  switchMap,
  takeWhile,
} from 'rxjs';
import { Actor } from 'src/common/auth/actor';
import { ExecutionEvent, ExecutionEventsService } from './execution-events.service';
import { ReportExecution } from './entities/report-execution.entity';
import { ExecutionsService } from './executions.service';

// Re-read the row this often, so a lost pub/sub message (Redis restart) only delays an event.
const POLL_MS = 5000;
const TERMINAL = new Set(['completed', 'failed']);

/** The SSE stream of one execution: its status now, then each change, ending when it finishes. */
@Injectable()
export class ExecutionStatusStream {
  constructor(
    private readonly executions: ExecutionsService,
    private readonly events: ExecutionEventsService,
  ) {}

  open(actor: Actor, id: string): Observable<MessageEvent> {
    const read = () => defer(() => this.executions.load(actor, id)).pipe(map(toEvent));
    const fromDatabase = concat(read(), interval(POLL_MS).pipe(switchMap(() => read())));
    return merge(this.events.watch(id), fromDatabase).pipe(
      distinctUntilChanged((a, b) => a.status === b.status),
      takeWhile((event) => !TERMINAL.has(event.status), true),
      map((event) => ({ type: 'status', data: event })),
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
