import type { ReportColumn } from 'src/modules/generators/report-types/report-type-provider';
import { ReportQuery, ReportQueryContext, SqlParams } from './report-query';

export const REVENUE_BY_CUSTOMER_COLUMNS: ReportColumn[] = [
  { key: 'rank', header: 'Rank', type: 'integer', width: 6 },
  { key: 'customer_name', header: 'Customer', type: 'string', width: 32 },
  { key: 'currency', header: 'Currency', type: 'string', width: 9 },
  { key: 'month', header: 'Month', type: 'string', width: 9 },
  { key: 'payments', header: 'Payments', type: 'integer', width: 10 },
  { key: 'revenue', header: 'Revenue', type: 'money', width: 14 },
  { key: 'customer_total', header: 'Customer total', type: 'money', width: 16 },
];

/**
 * Payments received in the period per customer, month (schedule's zone) and currency, for the
 * top N customers by revenue. Ranked within each currency: cents of different currencies do not
 * add up, so one ranking across them would put the weakest currency's customers first.
 */
export function revenueByCustomerQuery(ctx: ReportQueryContext): ReportQuery {
  if (!ctx.range) throw new Error('revenue_by_customer needs a date range');
  const p = new SqlParams();
  const org = p.add(ctx.orgId);
  const tz = p.add(ctx.timezone);
  const where = [
    `p.organization_id = ${org}`,
    `p.paid_at >= ${p.add(ctx.range.fromInstant)}`,
    `p.paid_at < ${p.add(ctx.range.toInstantExclusive)}`,
  ];
  const { currency, top_n: topN } = ctx.params;
  if (typeof currency === 'string') where.push(`p.currency = ${p.add(currency)}`);
  // The schema's default; only a caller that skipped applyDefaults gets here without one.
  const limit = p.add(typeof topN === 'number' ? topN : 50);
  return {
    sql: `WITH monthly AS (
            SELECT p.customer_id, p.currency::text AS currency,
                   to_char(date_trunc('month', p.paid_at AT TIME ZONE ${tz}), 'YYYY-MM') AS month,
                   count(*) AS payments,
                   sum(p.amount_cents) AS revenue_cents
              FROM payments p
             WHERE ${where.join(' AND ')}
             GROUP BY p.customer_id, p.currency, 3
          ), ranked AS (
            SELECT customer_id, currency, sum(revenue_cents) AS total_cents,
                   row_number() OVER (PARTITION BY currency
                                      ORDER BY sum(revenue_cents) DESC, customer_id) AS rank
              FROM monthly
             GROUP BY customer_id, currency
          )
          SELECT r.rank::int AS rank,
                 c.name AS customer_name,
                 m.currency,
                 m.month,
                 m.payments::int AS payments,
                 (m.revenue_cents / 100.0)::numeric(20, 2)::text AS revenue,
                 (r.total_cents / 100.0)::numeric(20, 2)::text AS customer_total
            FROM ranked r
            JOIN monthly m ON m.customer_id = r.customer_id AND m.currency = r.currency
            JOIN customers c ON c.id = r.customer_id AND c.organization_id = ${org}
           WHERE r.rank <= ${limit}::int
           ORDER BY m.currency, r.rank, m.month`,
    params: p.values,
    columns: REVENUE_BY_CUSTOMER_COLUMNS,
  };
}
