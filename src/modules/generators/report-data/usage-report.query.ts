import type { ReportColumn } from 'src/modules/generators/report-types/report-type-provider';
import { ReportQuery, ReportQueryContext, SqlParams } from './report-query';

const GRANULARITIES = new Set(['day', 'week', 'month']);

export const USAGE_REPORT_COLUMNS: ReportColumn[] = [
  { key: 'period_start', header: 'Period start', type: 'date', width: 12 },
  { key: 'customer_name', header: 'Customer', type: 'string', width: 32 },
  { key: 'metric', header: 'Metric', type: 'string', width: 24 },
  { key: 'quantity', header: 'Quantity', type: 'number', width: 16 },
  { key: 'events', header: 'Events', type: 'integer', width: 10 },
];

/** Usage per customer per metric per day/week/month, periods in the schedule's zone. */
export function usageReportQuery(ctx: ReportQueryContext): ReportQuery {
  if (!ctx.range) throw new Error('usage_report needs a date range');
  const p = new SqlParams();
  const org = p.add(ctx.orgId);
  const granularity = GRANULARITIES.has(String(ctx.params.granularity))
    ? String(ctx.params.granularity)
    : 'day';
  const unit = p.add(granularity);
  const tz = p.add(ctx.timezone);
  const where = [
    `u.organization_id = ${org}`,
    `u.occurred_at >= ${p.add(ctx.range.fromInstant)}`,
    `u.occurred_at < ${p.add(ctx.range.toInstantExclusive)}`,
  ];
  const { metrics, customer_ids: customerIds } = ctx.params;
  if (Array.isArray(metrics)) where.push(`u.metric = ANY(${p.add(metrics)}::text[])`);
  if (Array.isArray(customerIds)) where.push(`u.customer_id = ANY(${p.add(customerIds)}::uuid[])`);
  return {
    sql: `SELECT to_char(date_trunc(${unit}, u.occurred_at AT TIME ZONE ${tz}), 'YYYY-MM-DD') AS period_start,
                 c.name AS customer_name,
                 u.metric,
                 sum(u.quantity)::text AS quantity,
                 count(*)::int AS events
            FROM usage_events u
            JOIN customers c ON c.id = u.customer_id AND c.organization_id = u.organization_id
           WHERE ${where.join(' AND ')}
           GROUP BY 1, c.id, c.name, u.metric
           ORDER BY 1, c.name, u.metric, c.id`,
    params: p.values,
    columns: USAGE_REPORT_COLUMNS,
  };
}
