import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Actor } from 'src/common/auth/actor';
import { ValidationFailedError } from 'src/common/errors/domain-error';
import { currentRequestIds } from 'src/common/http/request-id.middleware';
import { AuditEntry, AuditFilter, AuditRepository } from './audit.repository';
import { AuditLogPageDto } from './dto/audit-log.dto';
import { decodeAuditCursor, encodeAuditCursor } from './audit-cursor';
import { toAuditLogDto } from './audit-log.mapper';

export interface AuditEvent {
  action: string;
  resourceType: string;
  resourceId: string | null;
  details?: Record<string, unknown>;
}

/** Which page of the trail: a cursor, or the legacy page number (only without a cursor). */
export interface AuditPageQuery {
  cursor?: string;
  page?: number;
  limit: number;
}

/** Writes and reads the organization's audit trail. */
@Injectable()
export class AuditService {
  constructor(private readonly audit: AuditRepository) {}

  /** On its own: for events that change nothing else in the database (reads, denials). */
  async record(actor: Actor, event: AuditEvent): Promise<void> {
    await this.audit.insert(actor.orgId, this.entryOf(actor, event));
  }

  /**
   * Inside the caller's transaction, so a change and its entry commit together or not at all.
   * Every state change records through this.
   */
  async recordIn(manager: EntityManager, actor: Actor, event: AuditEvent): Promise<void> {
    await this.audit.insert(actor.orgId, this.entryOf(actor, event), manager);
  }

  /**
   * Once per organization and `dedupeKey`, however many parallel requests observe the event
   * (a member's first requests, fired together by a browser). True when this call recorded it.
   */
  recordOnce(actor: Actor, event: AuditEvent, dedupeKey: string): Promise<boolean> {
    return this.audit.insertOnce(actor.orgId, this.entryOf(actor, event), dedupeKey);
  }

  async list(actor: Actor, filter: AuditFilter, query: AuditPageQuery): Promise<AuditLogPageDto> {
    if (query.cursor && query.page !== undefined) {
      throw new ValidationFailedError('pass either cursor or page, not both');
    }
    const after = query.cursor ? decodeAuditCursor(query.cursor) : undefined;
    const page = after ? undefined : (query.page ?? 1);
    const { rows, next } = await this.audit.list(actor.orgId, filter, {
      after,
      offset: page ? (page - 1) * query.limit : undefined,
      limit: query.limit,
    });
    const body: AuditLogPageDto = {
      data: rows.map(toAuditLogDto),
      limit: query.limit,
      next_cursor: next ? encodeAuditCursor(next) : null,
    };
    // Page numbers and totals stay for clients written before cursors; a count costs a scan.
    if (page) Object.assign(body, { page, total: await this.audit.count(actor.orgId, filter) });
    return body;
  }

  private entryOf(actor: Actor, event: AuditEvent): AuditEntry {
    const request = currentRequestIds();
    const clientRequestId = request?.clientRequestId;
    return {
      actor: actor.userId,
      action: event.action,
      resourceType: event.resourceType,
      resourceId: event.resourceId,
      details:
        clientRequestId && event.details?.client_request_id === undefined
          ? { ...event.details, client_request_id: clientRequestId }
          : event.details,
      requestId: actor.requestId ?? request?.requestId,
    };
  }
}
