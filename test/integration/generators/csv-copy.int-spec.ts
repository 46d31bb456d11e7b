import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from 'src/database/data-source-options';
import { seedBillingData } from 'src/modules/billing/seed-billing-data';
import { DateRange } from 'src/modules/generators/date-ranges/date-range.schema';
import { resolveDateRange } from 'src/modules/generators/date-ranges/resolve-date-range';
import type { ReportQuery } from 'src/modules/generators/report-data/report-query';
import { ArAgingProvider } from 'src/modules/generators/report-types/ar-aging.provider';
import { AuditLogExportProvider } from 'src/modules/generators/report-types/audit-log-export.provider';
import { InvoiceSummaryProvider } from 'src/modules/generators/report-types/invoice-summary.provider';
import { ReportTypeRegistry } from 'src/modules/generators/report-types/report-type.registry';
import { RevenueByCustomerProvider } from 'src/modules/generators/report-types/revenue-by-customer.provider';
import { UsageReportProvider } from 'src/modules/generators/report-types/usage-report.provider';
import { parseCsv } from 'test/utils/parse-csv';
import { referenceCsv, workerCsv } from 'test/utils/report-csv';
import { TEST_DATABASE_URL } from 'test/utils/test-env';

jest.setTimeout(60_000);

/*
 * The worker writes CSV with PostgreSQL's COPY, formula neutralisation done in SQL. Every report
 * type, and a query made of hostile values, must come out byte for byte as a JavaScript writer
 * (json2csv on typed rows, neutralising per cell) writes the same rows. The array-row escaper
 * the worker used before was checked byte-identical by this test too, before it was removed.
 */

const ORG = 'c5c0c0e1-0000-4000-8000-0000000000a1';
const OTHER_ORG = 'c5c0c0e1-0000-4000-8000-0000000000b2';
const RUN_AT = new Date('2026-03-16T03:30:00Z');
const RANGE: DateRange = { preset: 'custom', from: '2025-04-01', to: '2026-03-31' };
const ODD_ACTOR = `O'Brien \\ "x" $1`;
const HOSTILE = [
  '=cmd|calc!A1',
  '+1',
  '-2',
  '@x',
  '\tTabbed',
  '\rCR',
  'say "hi"',
  'Comma, Inc',
  'two\nlines',
  'crlf\r\nend',
  'Zoë Łódź 東京 🎉',
  '',
  ' lead space',
  'back\\slash',
  '\\.',
  "O'Brien",
  '"',
  ',',
  '\n',
  '-',
  '\\N',
  '$1',
];

const providers = [
  new InvoiceSummaryProvider(),
  new UsageReportProvider(),
  new ArAgingProvider(),
  new RevenueByCustomerProvider(),
  new AuditLogExportProvider(),
];
const registry = new ReportTypeRegistry(providers);
let client: Client;
let dataSource: DataSource;

function queryFor(id: string, params: Record<string, unknown>, timezone = 'Europe/Berlin') {
  const provider = providers.find((p) => p.id === id);
  if (!provider?.buildQuery) throw new Error(id);
  expect(registry.validateParameters(id, params)).toEqual([]);
  const full = registry.applyDefaults(id, params);
  const range = full.date_range
    ? resolveDateRange(full.date_range as DateRange, RUN_AT, timezone)
    : null;
  return provider.buildQuery({ orgId: ORG, params: full, range, runAt: RUN_AT, timezone });
}

async function expectSameCsv(query: ReportQuery): Promise<string[][]> {
  const viaCopy = await workerCsv(dataSource, query);
  const viaJson2csv = await referenceCsv(client, query);
  expect(viaCopy.bytes.toString('utf8')).toBe(viaJson2csv.toString('utf8'));
  const [header, ...rows] = parseCsv(viaCopy.bytes.toString('utf8'));
  expect(header).toEqual(query.columns.map((c) => c.header));
  expect(viaCopy.rows).toBe(rows.length);
  return rows;
}

beforeAll(async () => {
  client = new Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  dataSource = await new DataSource(dataSourceOptions(TEST_DATABASE_URL)).initialize();
  const asOf = new Date('2026-03-16T00:00:00Z');
  await seedBillingData(client, {
    orgId: ORG,
    invoices: 600,
    usageEvents: 800,
    customers: 30,
    asOf,
  });
  await seedBillingData(client, { orgId: OTHER_ORG, invoices: 50, usageEvents: 0, asOf });
  // Hostile text in every kind of text column the reports print.
  await client.query(
    `UPDATE customers c SET name = h.v, email = CASE WHEN h.i % 4 = 0 THEN NULL ELSE h.v END
       FROM (SELECT id, row_number() OVER (ORDER BY id) AS i FROM customers
              WHERE organization_id = $1) k
       JOIN unnest($2::text[]) WITH ORDINALITY AS h(v, i) ON h.i = k.i
      WHERE c.id = k.id`,
    [ORG, HOSTILE],
  );
  await client.query(
    `UPDATE invoices i SET number = h.v || k.i
       FROM (SELECT id, row_number() OVER (ORDER BY id) AS i FROM invoices
              WHERE organization_id = $1) k
       JOIN unnest($2::text[]) WITH ORDINALITY AS h(v, i) ON h.i = k.i
      WHERE i.id = k.id`,
    [ORG, HOSTILE],
  );
  await client.query(
    `UPDATE usage_events u SET metric = h.v
       FROM (SELECT id, row_number() OVER (ORDER BY id) AS i FROM usage_events
              WHERE organization_id = $1) k
       JOIN unnest($2::text[]) WITH ORDINALITY AS h(v, i) ON h.i = k.i
      WHERE u.id = k.id`,
    [ORG, HOSTILE.filter((v) => v !== '')],
  );
  for (const [k, v] of HOSTILE.entries()) {
    await client.query(
      `INSERT INTO audit_logs (organization_id, actor, action, resource_type, request_id, details,
                               created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [
        ORG,
        k % 3 === 0 ? ODD_ACTOR : v || 'x',
        v || 'y',
        v,
        k % 2 === 0 ? null : v,
        JSON.stringify({ value: v, n: -k }),
        new Date(Date.parse('2025-06-01T00:00:00Z') + k * 60_000),
      ],
    );
  }
});

afterAll(async () => {
  await dataSource.destroy();
  await client.end();
});

describe('CSV through COPY', () => {
  it('writes hostile values, nulls and negative numbers as the JavaScript writer does', async () => {
    const query: ReportQuery = {
      sql: `SELECT t.v AS label,
                   ($3::numeric * (t.i - 10))::numeric(12, 2)::text AS amount,
                   (t.i - 10)::int AS delta,
                   CASE WHEN t.i % 3 = 0 THEN NULL ELSE t.v END AS maybe,
                   $4::text AS note,
                   $1::uuid AS org,
                   'USD'::char(3) AS currency,
                   'cost: $1' AS literal,
                   (t.i * -1.25)::numeric(10, 4)::text AS quantity
              FROM unnest($2::text[]) WITH ORDINALITY AS t(v, i)
             WHERE t.i <= $5 AND $6::timestamptz < now()
             ORDER BY t.i`,
      params: [ORG, HOSTILE, 1.25, ODD_ACTOR, 100, new Date('2020-01-01T00:00:00Z')],
      columns: [
        { key: 'label', header: 'Label', type: 'string' },
        { key: 'amount', header: 'Amount, "net"', type: 'money' },
        { key: 'delta', header: 'Delta', type: 'integer' },
        { key: 'maybe', header: 'Maybe', type: 'string' },
        { key: 'note', header: 'Note', type: 'string' },
        { key: 'org', header: 'Org', type: 'string' },
        { key: 'currency', header: 'Currency', type: 'string' },
        { key: 'literal', header: 'Literal', type: 'string' },
        { key: 'quantity', header: 'Quantity', type: 'number' },
      ],
    };
    const rows = await expectSameCsv(query);
    expect(rows).toHaveLength(HOSTILE.length);
    const formula = /^[=+\-@\t\r]/;
    expect(rows.map((r) => r[0])).toEqual(HOSTILE.map((v) => (formula.test(v) ? `'${v}` : v)));
    expect(rows[0].slice(1)).toEqual([
      '-11.25',
      '-9',
      '=cmd|calc!A1'.replace(/^/, "'"),
      ODD_ACTOR,
      ORG,
      'USD',
      'cost: $1',
      '-1.2500',
    ]);
    expect(rows[2][3]).toBe(''); // NULL
  });

  it.each([
    ['invoice_summary', { date_range: RANGE, sort_by: 'customer_name' }],
    ['invoice_summary', { date_range: RANGE, statuses: ['open', 'paid'], sort_direction: 'desc' }],
    ['usage_report', { date_range: RANGE, granularity: 'week' }],
    ['ar_aging', { min_balance_cents: 100 }],
    ['revenue_by_customer', { date_range: RANGE, top_n: 10 }],
    ['audit_log_export', { date_range: RANGE }],
    ['audit_log_export', { date_range: RANGE, actor: ODD_ACTOR }],
  ])('%s %j comes out byte for byte as before', async (id, params) => {
    const rows = await expectSameCsv(queryFor(id, params));
    expect(rows.length).toBeGreaterThan(0);
    expect(JSON.stringify(rows)).not.toContain(OTHER_ORG);
  });
});
