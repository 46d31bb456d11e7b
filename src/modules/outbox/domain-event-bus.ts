import { Injectable, Logger } from '@nestjs/common';
import type { DomainEventType } from 'src/domain/vocabulary';
import { EventRef, OutboxRepository } from './outbox.repository';

/** A stored event as subscribers receive it; `payload` is the publisher's documented shape. */
export interface DomainEvent<P extends object = Record<string, unknown>> {
  id: string;
  orgId: string;
  type: DomainEventType;
  subjectId: string;
  payload: P;
  createdAt: Date;
}

/**
 * Reacts to one type of event. Handlers run at least once per event (again after a crash or an
 * error), so they must be idempotent: a second run changes nothing and sends nothing twice.
 */
export interface DomainEventSubscriber<P extends object> {
  /** For logs: who failed to handle an event. */
  readonly name: string;
  handle(event: DomainEvent<P>): Promise<void>;
}

/** A dispatcher holds an event this long; a dispatcher that died frees it when it runs out. */
const LEASE_MS = 60_000;
const FIRST_RETRY_MS = 5_000;
const MAX_RETRY_MS = 10 * 60_000;

/**
 * Hands outbox events to the modules that subscribed (in their onModuleInit), so the publisher
 * never imports its subscribers. The publisher calls `dispatch` after its transaction commits;
 * the outbox relay calls it for events whose publisher died first or whose subscriber failed.
 */
@Injectable()
export class DomainEventBus {
  private readonly logger = new Logger(DomainEventBus.name);
  private readonly subscribers = new Map<DomainEventType, DomainEventSubscriber<object>[]>();

  constructor(private readonly outbox: OutboxRepository) {}

  subscribe<P extends object>(type: DomainEventType, subscriber: DomainEventSubscriber<P>): void {
    const list = this.subscribers.get(type) ?? [];
    list.push(subscriber as DomainEventSubscriber<object>);
    this.subscribers.set(type, list);
  }

  /** Who handles `type` in this process. */
  subscribersOf(type: DomainEventType): string[] {
    return (this.subscribers.get(type) ?? []).map((s) => s.name);
  }

  /** Dispatches each event to every subscriber of its type; how many were fully handled. */
  async dispatch(refs: EventRef[]): Promise<number> {
    let handled = 0;
    for (const ref of refs) if (await this.dispatchOne(ref)) handled += 1;
    return handled;
  }

  private async dispatchOne(ref: EventRef): Promise<boolean> {
    const row = await this.outbox.claim(ref, LEASE_MS);
    if (!row) return false; // dispatched already, or another dispatcher has it
    const subscribers = this.subscribers.get(row.type) ?? [];
    const event: DomainEvent = {
      id: row.id,
      orgId: row.organization_id,
      type: row.type,
      subjectId: row.subject_id,
      payload: row.payload,
      createdAt: row.created_at,
    };
    const retryInMs = Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** (row.attempts - 1));
    if (subscribers.length === 0) {
      // Every role loads the subscribing modules; a process without them leaves the event alone.
      await this.outbox.postpone(ref, `no subscriber for ${row.type} in this process`, retryInMs);
      this.logger.error(`event ${row.id} (${row.type}) has no subscriber in this process`);
      return false;
    }
    for (const subscriber of subscribers) {
      try {
        await subscriber.handle(event);
      } catch (error) {
        const message = `${subscriber.name}: ${(error as Error).message}`;
        await this.outbox.postpone(ref, message, retryInMs).catch(() => undefined);
        this.logger.warn(`event ${row.id} (${row.type}) not handled, retried later: ${message}`);
        return false;
      }
    }
    await this.outbox.markDispatched(ref);
    return true;
  }
}
