import { Injectable, Logger } from '@nestjs/common';
import { DomainEventBus } from 'src/modules/outbox/domain-event-bus';
import type { EventRef } from 'src/modules/outbox/outbox.repository';
import { ExecutionEvent, ExecutionEventsService } from './execution-events.service';
import { CompletedRun, ExecutionStateRepository, FailureFacts } from './execution-state.repository';

/** The execution a caller finishes. */
export interface ExecutionRef {
  id: string;
  organization_id: string;
}

/**
 * Ends a run: the state change and its domain event in one transaction, then, after commit, the
 * event to its subscribers (delivery) and the status to live watchers (SSE). A dispatch that
 * fails here is left to the outbox relay; nothing is lost.
 */
@Injectable()
export class ExecutionOutcomes {
  private readonly logger = new Logger(ExecutionOutcomes.name);

  constructor(
    private readonly state: ExecutionStateRepository,
    private readonly bus: DomainEventBus,
    private readonly events: ExecutionEventsService,
  ) {}

  /** False when the lease was lost: another attempt owns (or finished) the run. */
  async complete(execution: ExecutionRef, leaseId: string, run: CompletedRun): Promise<boolean> {
    const event = await this.state.complete(execution.organization_id, execution.id, leaseId, run);
    if (!event) return false;
    await this.announce(execution, event, 'completed', {
      file_size: run.fileSize,
      rows_generated: run.rows,
    });
    return true;
  }

  /** False when the run was already finished, or (with a lease) another attempt holds it. */
  async fail(
    execution: ExecutionRef,
    leaseId: string | null,
    message: string,
    metadata: FailureFacts = {},
  ): Promise<boolean> {
    const event = await this.state.fail(
      execution.organization_id,
      execution.id,
      leaseId,
      message,
      metadata,
    );
    if (!event) return false;
    await this.announce(execution, event, 'failed', { error_message: message });
    return true;
  }

  /** After commit: the event to its subscribers first (deliveries exist once watchers hear). */
  private async announce(
    execution: ExecutionRef,
    event: EventRef,
    status: 'completed' | 'failed',
    details: Partial<ExecutionEvent>,
  ): Promise<void> {
    try {
      await this.bus.dispatch([event]);
    } catch (error) {
      this.logger.warn(`event ${event.id} left to the outbox relay: ${(error as Error).message}`);
    }
    await this.events.publish({
      execution_id: execution.id,
      status,
      at: new Date().toISOString(),
      ...details,
    });
  }
}
