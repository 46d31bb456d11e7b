import type { ReportColumn } from 'src/modules/generators/report-types/report-type-provider';
import { ReportQuery, ReportQueryContext, SqlParams } from './report-query';

const SORT_COLUMNS: Record<string, string> = {
  issued_at: 'i.issued_at',
  due_date: 'i.due_date',
  total: 'i.total_cents',
  customer_name: 'c.name',
};
const DIRECTIONS: Record<string, string> = { asc: 'ASC', desc: 'DESC' };

export const INVOICE_SUMMARY_COLUMNS: ReportColumn[] = [
  { key: 'invoice_number', header: 'Invoice', type: 'string', width: 16 },
  { key: 'issued_at', header: 'Issued', type: 'datetime', width: 20 },
  { key: 'due_date', header: 'Due', type: 'date', width: 12 },
  { key: 'status', header: 'Status', type: 'string', width: 14 },
  { key: 'customer_name', header: 'Customer', type: 'string', width: 32 },
  { key: 'customer_email', header: 'Customer email', type: 'string', width: 32 },
  { key: 'currency', header: 'Currency', type: 'string', width: 9 },
  { key: 'subtotal', header: 'Subtotal', type: 'money', width: 14 },
  { key: 'tax', header: 'Tax', type: 'money', width: 12 },
  { key: 'total', header: 'Total', type: 'money', width: 14 },
  { key: 'amount_paid', header: 'Paid', type: 'money', width: 14 },
  { key: 'balance', header: 'Balance', type: 'money', width: 14 },
];

/** Invoices issued in the period (local dates of the schedule's zone), one row each. */
export function invoiceSummaryQuery(ctx: ReportQueryContext): ReportQuery {
  if (!ctx.range) throw new Error('invoice_summary needs a date range');
  const p = new SqlParams();
  const org = p.add(ctx.orgId);
  const tz = p.add(ctx.timezone);
  const where = [
    `i.organization_id = ${org}`,
    `i.issued_at >= ${p.add(ctx.range.fromInstant)}`,
    `i.issued_at < ${p.add(ctx.range.toInstantExclusive)}`,
  ];
  const {
    statuses,
    currency,
    customer_ids: customerIds,
    sort_by: sortBy,
    sort_direction: dir,
  } = ctx.params;
  if (Array.isArray(statuses)) where.push(`i.status = ANY(${p.add(statuses)}::text[])`);
  if (typeof currency === 'string') where.push(`i.currency = ${p.add(currency)}`);
  if (Array.isArray(customerIds)) where.push(`i.customer_id = ANY(${p.add(customerIds)}::uuid[])`);
  const order = `${SORT_COLUMNS[String(sortBy)] ?? 'i.issued_at'} ${DIRECTIONS[String(dir)] ?? 'ASC'}`;
  return {
    sql: `SELECT i.number AS invoice_number,
                 to_char(i.issued_at AT TIME ZONE ${tz}, 'YYYY-MM-DD HH24:MI:SS') AS issued_at,
                 i.due_date::text AS due_date,
                 i.status,
                 c.name AS customer_name,
                 c.email AS customer_email,
                 i.currency,
                 (i.subtotal_cents / 100.0)::numeric(20, 2)::text AS subtotal,
                 (i.tax_cents / 100.0)::numeric(20, 2)::text AS tax,
                 (i.total_cents / 100.0)::numeric(20, 2)::text AS total,
                 (i.amount_paid_cents / 100.0)::numeric(20, 2)::text AS amount_paid,
                 ((i.total_cents - i.amount_paid_cents) / 100.0)::numeric(20, 2)::text AS balance
            FROM invoices i
            JOIN customers c ON c.id = i.customer_id AND c.organization_id = i.organization_id
           WHERE ${where.join(' AND ')}
           ORDER BY ${order}, i.id`,
    params: p.values,
    columns: INVOICE_SUMMARY_COLUMNS,
  };
}
