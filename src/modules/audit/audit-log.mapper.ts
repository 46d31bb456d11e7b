import { AuditLogDto } from './dto/audit-log.dto';
import { AuditLog } from './entities/audit-log.entity';

export function toAuditLogDto(log: AuditLog): AuditLogDto {
  return {
    id: log.id,
    actor: log.actor,
    action: log.action,
    resource_type: log.resource_type,
    resource_id: log.resource_id,
    details: log.details,
    request_id: log.request_id,
    created_at: log.created_at.toISOString(),
  };
}
