import { Injectable } from '@nestjs/common';
import { Actor } from 'src/common/auth/actor';
import { Paginated, paginated } from 'src/common/http/paginated-response.dto';
import { AuditFilter, AuditRepository } from './audit.repository';
import { AuditLogDto } from './dto/audit-log.dto';
import { toAuditLogDto } from './audit-log.mapper';

export interface AuditEvent {
  action: string;
  resourceType: string;
  resourceId: string | null;
  details?: Record<string, unknown>;
}

/** Writes and reads the organization's audit trail. */
@Injectable()
export class AuditService {
  constructor(private readonly audit: AuditRepository) {}

  async record(actor: Actor, event: AuditEvent): Promise<void> {
    await this.audit.insert(actor.orgId, {
      actor: actor.userId,
      action: event.action,
      resourceType: event.resourceType,
      resourceId: event.resourceId,
      details: event.details,
      requestId: actor.requestId,
    });
  }

  async list(
    actor: Actor,
    filter: AuditFilter,
    page: number,
    limit: number,
  ): Promise<Paginated<AuditLogDto>> {
    const { rows, total } = await this.audit.list(actor.orgId, filter, page, limit);
    return paginated(rows.map(toAuditLogDto), page, limit, total);
  }
}
