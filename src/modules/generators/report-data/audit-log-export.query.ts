import type { ReportColumn } from 'src/modules/generators/report-types/report-type-provider';
import { ReportQuery, ReportQueryContext, SqlParams } from './report-query';

export const AUDIT_LOG_EXPORT_COLUMNS: ReportColumn[] = [
  { key: 'created_at', header: 'Time', type: 'datetime', width: 20 },
  { key: 'actor', header: 'Actor', type: 'string', width: 32 },
  { key: 'action', header: 'Action', type: 'string', width: 24 },
  { key: 'resource_type', header: 'Resource type', type: 'string', width: 20 },
  { key: 'resource_id', header: 'Resource id', type: 'string', width: 38 },
  { key: 'request_id', header: 'Request id', type: 'string', width: 38 },
  { key: 'details', header: 'Details', type: 'string', width: 60 },
];

/*
 * jsonb prints ", " and ": " between items; dropping every space outside a string literal gives
 * the compact form JSON.stringify would write. Each match is either a whole string (kept as \1)
 * or a separator space (dropped).
 */
const COMPACT_JSON = `regexp_replace(a.details::text, '("(?:[^"\\\\]|\\\\.)*")| ', '\\1', 'g')`;

/** The org's audit log entries created in the period, oldest first, times in the schedule's zone. */
export function auditLogExportQuery(ctx: ReportQueryContext): ReportQuery {
  if (!ctx.range) throw new Error('audit_log_export needs a date range');
  const p = new SqlParams();
  const org = p.add(ctx.orgId);
  const tz = p.add(ctx.timezone);
  const where = [
    `a.organization_id = ${org}`,
    `a.created_at >= ${p.add(ctx.range.fromInstant)}`,
    `a.created_at < ${p.add(ctx.range.toInstantExclusive)}`,
  ];
  const { actions, actor, resource_type: resourceType } = ctx.params;
  if (Array.isArray(actions)) where.push(`a.action = ANY(${p.add(actions)}::text[])`);
  if (typeof actor === 'string') where.push(`a.actor = ${p.add(actor)}`);
  if (typeof resourceType === 'string') where.push(`a.resource_type = ${p.add(resourceType)}`);
  return {
    sql: `SELECT to_char(a.created_at AT TIME ZONE ${tz}, 'YYYY-MM-DD HH24:MI:SS') AS created_at,
                 a.actor,
                 a.action,
                 a.resource_type,
                 a.resource_id::text AS resource_id,
                 a.request_id,
                 ${COMPACT_JSON} AS details
            FROM audit_logs a
           WHERE ${where.join(' AND ')}
           ORDER BY a.created_at, a.id`,
    params: p.values,
    columns: AUDIT_LOG_EXPORT_COLUMNS,
  };
}
