import type { ReportColumn } from 'src/modules/generators/report-types/report-type-provider';
import { ReportQuery, ReportQueryContext, SqlParams } from './report-query';

export const AR_AGING_COLUMNS: ReportColumn[] = [
  { key: 'customer_name', header: 'Customer', type: 'string', width: 32 },
  { key: 'invoice_number', header: 'Invoice', type: 'string', width: 16 },
  { key: 'currency', header: 'Currency', type: 'string', width: 9 },
  { key: 'issued_date', header: 'Issued', type: 'date', width: 12 },
  { key: 'due_date', header: 'Due', type: 'date', width: 12 },
  { key: 'days_past_due', header: 'Days past due', type: 'integer', width: 14 },
  { key: 'balance', header: 'Balance', type: 'money', width: 14 },
  { key: 'bucket', header: 'Bucket', type: 'string', width: 10 },
];

/**
 * Open balances one row per invoice, aged as of the local date of the run in the schedule's
 * zone. Balances are today's (amount_paid has no history), so a late re-run ages today's
 * balances against the slot's date.
 */
export function arAgingQuery(ctx: ReportQueryContext): ReportQuery {
  const p = new SqlParams();
  const org = p.add(ctx.orgId);
  const tz = p.add(ctx.timezone);
  const asOf = `(${p.add(ctx.runAt)}::timestamptz AT TIME ZONE ${tz})::date`;
  const where = [
    `i.organization_id = ${org}`,
    // Drafts were never sent, paid and void invoices owe nothing.
    `i.status IN ('open', 'uncollectible')`,
    `i.total_cents > i.amount_paid_cents`,
  ];
  const {
    currency,
    customer_ids: customerIds,
    min_balance_cents: minBalance,
    include_current: includeCurrent,
  } = ctx.params;
  if (typeof currency === 'string') where.push(`i.currency = ${p.add(currency)}`);
  if (Array.isArray(customerIds)) where.push(`i.customer_id = ANY(${p.add(customerIds)}::uuid[])`);
  const outer: string[] = [];
  // The schema speaks of a customer's open balance: all its open invoices, current ones too,
  // per currency since cents of different currencies do not add up.
  if (typeof minBalance === 'number') {
    outer.push(`a.customer_balance_cents >= ${p.add(minBalance)}::bigint`);
  }
  if (includeCurrent === false) outer.push('a.days_past_due > 0');
  return {
    sql: `SELECT c.name AS customer_name,
                 a.number AS invoice_number,
                 a.currency,
                 to_char(a.issued_at AT TIME ZONE ${tz}, 'YYYY-MM-DD') AS issued_date,
                 a.due_date::text AS due_date,
                 a.days_past_due,
                 (a.balance_cents / 100.0)::numeric(20, 2)::text AS balance,
                 CASE WHEN a.days_past_due = 0 THEN 'current'
                      WHEN a.days_past_due <= 30 THEN '1-30'
                      WHEN a.days_past_due <= 60 THEN '31-60'
                      WHEN a.days_past_due <= 90 THEN '61-90'
                      ELSE '90+' END AS bucket
            FROM (SELECT i.customer_id, i.number, i.currency::text AS currency, i.issued_at,
                         i.due_date,
                         greatest(${asOf} - i.due_date, 0)::int AS days_past_due,
                         i.total_cents - i.amount_paid_cents AS balance_cents,
                         sum(i.total_cents - i.amount_paid_cents)
                           OVER (PARTITION BY i.customer_id, i.currency) AS customer_balance_cents
                    FROM invoices i
                   WHERE ${where.join(' AND ')}) a
            JOIN customers c ON c.id = a.customer_id AND c.organization_id = ${org}
           ${outer.length > 0 ? `WHERE ${outer.join(' AND ')}` : ''}
           ORDER BY a.days_past_due DESC, c.name, a.number`,
    params: p.values,
    columns: AR_AGING_COLUMNS,
  };
}
