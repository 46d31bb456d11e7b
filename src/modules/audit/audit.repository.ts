import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Between, FindOptionsWhere, LessThan, MoreThanOrEqual, Repository } from 'typeorm';
import { AuditLog } from './entities/audit-log.entity';

export interface AuditEntry {
  actor: string;
  action: string;
  resourceType: string;
  resourceId: string | null;
  details?: Record<string, unknown>;
  requestId?: string | null;
}

export interface AuditFilter {
  actor?: string;
  action?: string;
  resourceId?: string;
  from?: Date;
  to?: Date;
}

@Injectable()
export class AuditRepository {
  constructor(@InjectRepository(AuditLog) private readonly logs: Repository<AuditLog>) {}

  async insert(orgId: string, entry: AuditEntry): Promise<void> {
    const row = this.logs.create({
      organization_id: orgId,
      actor: entry.actor,
      action: entry.action,
      resource_type: entry.resourceType,
      resource_id: entry.resourceId,
      details: entry.details ?? {},
      request_id: entry.requestId ?? null,
    });
    await this.logs.save(row, { reload: false });
  }

  async list(
    orgId: string,
    filter: AuditFilter,
    page: number,
    limit: number,
  ): Promise<{ rows: AuditLog[]; total: number }> {
    const where: FindOptionsWhere<AuditLog> = { organization_id: orgId };
    if (filter.actor) where.actor = filter.actor;
    if (filter.action) where.action = filter.action;
    if (filter.resourceId) where.resource_id = filter.resourceId;
    if (filter.from && filter.to) where.created_at = Between(filter.from, filter.to);
    else if (filter.from) where.created_at = MoreThanOrEqual(filter.from);
    else if (filter.to) where.created_at = LessThan(filter.to);
    const [rows, total] = await this.logs.findAndCount({
      where,
      order: { created_at: 'DESC', id: 'DESC' },
      skip: (page - 1) * limit,
      take: limit,
    });
    return { rows, total };
  }
}
