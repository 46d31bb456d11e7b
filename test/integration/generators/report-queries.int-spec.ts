import moment from 'moment-timezone';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from 'src/database/data-source-options';
import { HOSTILE_NAMES, seedBillingData } from 'src/modules/billing/seed-billing-data';
import { DateRange } from 'src/modules/generators/date-ranges/date-range.schema';
import { resolveDateRange } from 'src/modules/generators/date-ranges/resolve-date-range';
import type { ReportQuery } from 'src/modules/generators/report-data/report-query';
import { ArAgingProvider } from 'src/modules/generators/report-types/ar-aging.provider';
import { AuditLogExportProvider } from 'src/modules/generators/report-types/audit-log-export.provider';
import { ReportTypeRegistry } from 'src/modules/generators/report-types/report-type.registry';
import { ReportTypeProvider } from 'src/modules/generators/report-types/report-type-provider';
import { RevenueByCustomerProvider } from 'src/modules/generators/report-types/revenue-by-customer.provider';
import { parseCsv } from 'test/utils/parse-csv';
import { workerCsv } from 'test/utils/report-csv';
import { TEST_DATABASE_URL } from 'test/utils/test-env';

jest.setTimeout(60_000); // seeding two organizations

/*
 * Each report runs as the worker runs it (COPY -> CSV writer) and is compared, row for
 * row, with the same report computed here from raw rows in JavaScript: dates, buckets, sums and
 * order derived independently of the query under test.
 */

const ORG = '5e1ec7ed-0000-4000-8000-0000000000a1';
const OTHER_ORG = '5e1ec7ed-0000-4000-8000-0000000000b2';
const SEEDED_AS_OF = new Date('2026-03-16T00:00:00Z');
// 23:30 on 2026-03-15 in New York: the aging date is the 15th, not the UTC 16th.
const RUN_AT = new Date('2026-03-16T03:30:00Z');
const NEW_YORK = 'America/New_York';
const BERLIN = 'Europe/Berlin';
const OTHER_ORG_NAME = 'Other org customer';

const arAging = new ArAgingProvider();
const revenue = new RevenueByCustomerProvider();
const auditExport = new AuditLogExportProvider();
const registry = new ReportTypeRegistry([arAging, revenue, auditExport]);

let client: Client;
let dataSource: DataSource;

/** The query a run would build: parameters validated and defaulted, range resolved. */
function queryFor(
  provider: ReportTypeProvider,
  params: Record<string, unknown>,
  timezone: string,
  runAt = RUN_AT,
): ReportQuery {
  expect(registry.validateParameters(provider.id, params)).toEqual([]);
  const full = registry.applyDefaults(provider.id, params);
  const range = full.date_range
    ? resolveDateRange(full.date_range as DateRange, runAt, timezone)
    : null;
  if (!provider.buildQuery) throw new Error(`${provider.id} has no query`);
  return provider.buildQuery({ orgId: ORG, params: full, range, runAt, timezone });
}

/** Runs the query as the worker does: COPY in a read-only snapshot, then the CSV writer. */
async function runCsv(query: ReportQuery): Promise<{ header: string[]; rows: string[][] }> {
  const { bytes } = await workerCsv(dataSource, query);
  const [header, ...rows] = parseCsv(bytes.toString('utf8'));
  expect(header).toEqual(query.columns.map((c) => c.header));
  return { header, rows };
}

// Independent formatting helpers: what an analyst expects to read.
const FORMULA = /^[=+\-@\t\r]/;
const cell = (text: string | null): string =>
  text === null ? '' : FORMULA.test(text) ? `'${text}` : text;
const money = (cents: number): string =>
  `${cents < 0 ? '-' : ''}${Math.floor(Math.abs(cents) / 100)}.${String(Math.abs(cents) % 100).padStart(2, '0')}`;
const localDay = (at: Date, tz: string): string => moment.tz(at, tz).format('YYYY-MM-DD');
const daysBetween = (from: string, to: string): number =>
  (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000;
const compare = (a: string | number, b: string | number): number => (a < b ? -1 : a > b ? 1 : 0);

/** Customer names and their rank in the database's own collation (the reports sort by name). */
async function customersOf(orgId: string): Promise<Map<string, { name: string; rank: number }>> {
  const { rows } = await client.query<{ id: string; name: string; rank: number }>(
    `SELECT id, name, dense_rank() OVER (ORDER BY name)::int AS rank
       FROM customers WHERE organization_id = $1`,
    [orgId],
  );
  return new Map(rows.map((r) => [r.id, { name: r.name, rank: r.rank }]));
}

beforeAll(async () => {
  client = new Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  dataSource = await new DataSource(dataSourceOptions(TEST_DATABASE_URL)).initialize();
  await seedBillingData(client, {
    orgId: ORG,
    invoices: 2000,
    usageEvents: 0,
    customers: 60,
    asOf: SEEDED_AS_OF,
  });
  await seedBillingData(client, {
    orgId: OTHER_ORG,
    invoices: 1000,
    usageEvents: 0,
    customers: 20,
    asOf: SEEDED_AS_OF,
  });
  // Any row of the other organization would show this name.
  await client.query(`UPDATE customers SET name = $2 WHERE organization_id = $1`, [
    OTHER_ORG,
    OTHER_ORG_NAME,
  ]);
});

afterAll(async () => {
  await dataSource.destroy();
  await client.end();
});

describe('ar_aging', () => {
  type Open = {
    customer_id: string;
    number: string;
    currency: string;
    issued_at: Date;
    due: string;
    balance: number;
  };
  type Expected = {
    customerId: string;
    currency: string;
    bucket: string;
    customerBalance: number;
    row: string[];
  };
  let open: Open[];
  let customers: Map<string, { name: string; rank: number }>;
  let all: Expected[];

  const BUCKETS: [number, string][] = [
    [0, 'current'],
    [30, '1-30'],
    [60, '31-60'],
    [90, '61-90'],
  ];

  /** Every open balance aged as of a local date, in the report's order. */
  function aged(asOf: string, timezone: string): Expected[] {
    const owed = new Map<string, number>();
    for (const r of open) {
      const key = `${r.customer_id}/${r.currency}`;
      owed.set(key, (owed.get(key) ?? 0) + r.balance);
    }
    return open
      .map((r) => {
        const days = Math.max(0, daysBetween(r.due, asOf));
        const bucket = BUCKETS.find(([upTo]) => days <= upTo)?.[1] ?? '90+';
        const customer = customers.get(r.customer_id);
        if (!customer) throw new Error(`no customer ${r.customer_id}`);
        return {
          customerId: r.customer_id,
          currency: r.currency,
          bucket,
          customerBalance: owed.get(`${r.customer_id}/${r.currency}`) ?? 0,
          row: [
            cell(customer.name),
            r.number,
            r.currency,
            localDay(r.issued_at, timezone),
            r.due,
            String(days),
            money(r.balance),
            bucket,
          ],
          sort: [-days, customer.rank, r.number] as const,
        };
      })
      .sort(
        (a, b) =>
          compare(a.sort[0], b.sort[0]) ||
          compare(a.sort[1], b.sort[1]) ||
          compare(a.sort[2], b.sort[2]),
      );
  }

  // Invoices on each bucket edge as of 2026-03-15 (the seeded data may miss some edges).
  const EDGES: [number, string, number, string][] = [
    // [days past due, status, cents paid of 10000, bucket ('' when not listed)]
    [-5, 'open', 0, 'current'],
    [0, 'open', 0, 'current'],
    [1, 'open', 0, '1-30'],
    [30, 'open', 2500, '1-30'],
    [31, 'uncollectible', 0, '31-60'],
    [60, 'open', 0, '31-60'],
    [61, 'open', 0, '61-90'],
    [90, 'open', 0, '61-90'],
    [91, 'uncollectible', 9999, '90+'],
    [400, 'open', 10000, ''], // nothing left to pay
    [40, 'draft', 0, ''],
    [40, 'void', 0, ''],
  ];

  beforeAll(async () => {
    const [edgeCustomer] = (
      await client.query<{ id: string; currency: string }>(
        `SELECT id, currency FROM customers WHERE organization_id = $1 ORDER BY id LIMIT 1`,
        [ORG],
      )
    ).rows;
    for (const [k, [days, status, paid]] of EDGES.entries()) {
      await client.query(
        `INSERT INTO invoices (organization_id, customer_id, number, status, currency, subtotal_cents,
                               tax_cents, total_cents, amount_paid_cents, issued_at, due_date)
         VALUES ($1, $2, $3, $4, $5, 10000, 0, 10000, $6, $7, $8)`,
        [
          ORG,
          edgeCustomer.id,
          `EDGE-${String(k).padStart(2, '0')}`,
          status,
          edgeCustomer.currency,
          paid,
          new Date('2025-10-01T12:00:00Z'),
          moment.utc('2026-03-15').subtract(days, 'days').format('YYYY-MM-DD'),
        ],
      );
    }
    customers = await customersOf(ORG);
    const { rows } = await client.query<
      Omit<Open, 'balance'> & { status: string; total: string; paid: string }
    >(
      `SELECT customer_id, number, status, currency, issued_at, to_char(due_date, 'YYYY-MM-DD') AS due,
              total_cents AS total, amount_paid_cents AS paid
         FROM invoices WHERE organization_id = $1`,
      [ORG],
    );
    open = rows
      .map((r) => ({ ...r, balance: Number(r.total) - Number(r.paid) }))
      .filter((r) => (r.status === 'open' || r.status === 'uncollectible') && r.balance > 0);
    expect(localDay(RUN_AT, NEW_YORK)).toBe('2026-03-15');
    all = aged('2026-03-15', NEW_YORK);
  });

  const expected = (keep: (e: Expected) => boolean = () => true) =>
    all.filter(keep).map((e) => e.row);

  it('puts each edge day in its bucket and leaves out what is not owed', async () => {
    const { rows } = await runCsv(queryFor(arAging, {}, NEW_YORK));
    const edges = rows.filter((r) => r[1].startsWith('EDGE-'));
    const listed = EDGES.map(([days, , paid, bucket], k) => ({ k, days, paid, bucket })).filter(
      (e) => e.bucket !== '',
    );
    expect(edges.map((r) => [r[1], r[4], r[5], r[6], r[7]]).sort()).toEqual(
      listed
        .map((e) => [
          `EDGE-${String(e.k).padStart(2, '0')}`,
          moment.utc('2026-03-15').subtract(e.days, 'days').format('YYYY-MM-DD'),
          String(Math.max(0, e.days)),
          money(10000 - e.paid),
          e.bucket,
        ])
        .sort(),
    );
  });

  it('has data in every bucket to age', () => {
    const buckets = new Set(all.map((e) => e.bucket));
    expect([...buckets].sort()).toEqual(['1-30', '31-60', '61-90', '90+', 'current']);
  });

  it('lists every open balance of the org, aged as of the local run date, most overdue first', async () => {
    const { rows } = await runCsv(queryFor(arAging, {}, NEW_YORK));
    expect(rows).toEqual(expected());
    expect(rows.some((r) => r[0] === OTHER_ORG_NAME)).toBe(false);
  });

  it('ages as of the local date of the run, not the UTC date', async () => {
    // 23:59:59 in New York is still the 15th; a second later it is the 16th.
    const lastSecond = await runCsv(
      queryFor(arAging, {}, NEW_YORK, new Date('2026-03-16T03:59:59Z')),
    );
    expect(lastSecond.rows).toEqual(expected());
    const nextDay = await runCsv(queryFor(arAging, {}, NEW_YORK, new Date('2026-03-16T04:00:00Z')));
    expect(nextDay.rows).toEqual(aged('2026-03-16', NEW_YORK).map((e) => e.row));
    expect(nextDay.rows).not.toEqual(lastSecond.rows);
    // The same instant is already the 16th in Tokyo, and issue dates read in Tokyo time.
    const tokyo = await runCsv(queryFor(arAging, {}, 'Asia/Tokyo'));
    expect(tokyo.rows).toEqual(aged('2026-03-16', 'Asia/Tokyo').map((e) => e.row));
  });

  it('include_current false drops balances not yet due', async () => {
    const { rows } = await runCsv(queryFor(arAging, { include_current: false }, NEW_YORK));
    expect(rows).toEqual(expected((e) => e.bucket !== 'current'));
    expect(rows.length).toBeLessThan(all.length);
    expect(rows.every((r) => r[7] !== 'current')).toBe(true);
  });

  it('currency narrows to that currency', async () => {
    const { rows } = await runCsv(queryFor(arAging, { currency: 'EUR' }, NEW_YORK));
    expect(rows).toEqual(expected((e) => e.currency === 'EUR'));
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.length).toBeLessThan(all.length);
  });

  it('customer_ids narrows to those customers', async () => {
    const ids = [...new Set(all.map((e) => e.customerId))].slice(0, 3);
    const { rows } = await runCsv(queryFor(arAging, { customer_ids: ids }, NEW_YORK));
    expect(rows).toEqual(expected((e) => ids.includes(e.customerId)));
    expect(rows.length).toBeGreaterThan(0);
  });

  it('min_balance_cents leaves out customers whose open balance is below it', async () => {
    const balances = [...new Set(all.map((e) => e.customerBalance))].sort((a, b) => a - b);
    const threshold = balances[Math.floor(balances.length / 2)];
    const { rows } = await runCsv(queryFor(arAging, { min_balance_cents: threshold }, NEW_YORK));
    expect(rows).toEqual(expected((e) => e.customerBalance >= threshold));
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.length).toBeLessThan(all.length);
  });

  it('combines the filters', async () => {
    const params = { currency: 'USD', min_balance_cents: 50_000, include_current: false };
    const { rows } = await runCsv(queryFor(arAging, params, NEW_YORK));
    expect(rows).toEqual(
      expected(
        (e) => e.currency === 'USD' && e.customerBalance >= 50_000 && e.bucket !== 'current',
      ),
    );
    expect(rows.length).toBeGreaterThan(0);
  });
});

describe('revenue_by_customer', () => {
  type Payment = { customer_id: string; currency: string; amount: string; paid_at: Date };
  let payments: Payment[];
  let customers: Map<string, { name: string; rank: number }>;

  beforeAll(async () => {
    customers = await customersOf(ORG);
    payments = (
      await client.query<Payment>(
        `SELECT customer_id, currency, amount_cents AS amount, paid_at FROM payments
          WHERE organization_id = $1`,
        [ORG],
      )
    ).rows;
  });

  /** Per customer, currency and local month; top N customers per currency by their total. */
  function expected(
    range: DateRange,
    timezone: string,
    topN: number,
    currency?: string,
  ): string[][] {
    const { fromInstant, toInstantExclusive } = resolveDateRange(range, RUN_AT, timezone);
    const months = new Map<string, { count: number; cents: number }>();
    const totals = new Map<string, number>();
    for (const p of payments) {
      if (p.paid_at < fromInstant || p.paid_at >= toInstantExclusive) continue;
      if (currency && p.currency !== currency) continue;
      const month = moment.tz(p.paid_at, timezone).format('YYYY-MM');
      const key = `${p.currency}|${p.customer_id}|${month}`;
      const m = months.get(key) ?? { count: 0, cents: 0 };
      months.set(key, { count: m.count + 1, cents: m.cents + Number(p.amount) });
      const customerKey = `${p.currency}|${p.customer_id}`;
      totals.set(customerKey, (totals.get(customerKey) ?? 0) + Number(p.amount));
    }
    const rank = new Map<string, number>();
    const byCurrency = new Map<string, [string, number][]>();
    for (const [key, cents] of totals) {
      const list = byCurrency.get(key.split('|')[0]) ?? [];
      list.push([key, cents]);
      byCurrency.set(key.split('|')[0], list);
    }
    for (const list of byCurrency.values()) {
      list.sort(([ka, a], [kb, b]) => b - a || compare(ka, kb));
      list.forEach(([key], i) => rank.set(key, i + 1));
    }
    return [...months]
      .map(([key, m]) => {
        const [cur, customerId, month] = key.split('|');
        const customerKey = `${cur}|${customerId}`;
        return { cur, customerId, month, m, rank: rank.get(customerKey) ?? 0, customerKey };
      })
      .filter((r) => r.rank <= topN)
      .sort((a, b) => compare(a.cur, b.cur) || a.rank - b.rank || compare(a.month, b.month))
      .map((r) => [
        String(r.rank),
        cell(customers.get(r.customerId)?.name ?? '?'),
        r.cur,
        r.month,
        String(r.m.count),
        money(r.m.cents),
        money(totals.get(r.customerKey) ?? 0),
      ]);
  }

  const SIX_MONTHS: DateRange = { preset: 'custom', from: '2025-09-01', to: '2026-02-28' };

  it('sums payments per customer and local month for the top customers (default top_n)', async () => {
    const { rows } = await runCsv(queryFor(revenue, { date_range: SIX_MONTHS }, NEW_YORK));
    expect(rows).toEqual(expected(SIX_MONTHS, NEW_YORK, 50));
    expect(rows.length).toBeGreaterThan(50);
    expect(rows.some((r) => r[1] === OTHER_ORG_NAME)).toBe(false);
    // Every local month of the range has payments.
    expect(new Set(rows.map((r) => r[3]))).toEqual(
      new Set(['2025-09', '2025-10', '2025-11', '2025-12', '2026-01', '2026-02']),
    );
  });

  it('resolves presets in the schedule zone (previous quarter, Asia/Kolkata months)', async () => {
    const range: DateRange = { preset: 'previous_quarter' };
    const { rows } = await runCsv(queryFor(revenue, { date_range: range }, 'Asia/Kolkata'));
    expect(rows).toEqual(expected(range, 'Asia/Kolkata', 50));
    expect(new Set(rows.map((r) => r[3]))).toEqual(new Set(['2025-10', '2025-11', '2025-12']));
  });

  it('top_n keeps only the largest customers of each currency, ties by customer id', async () => {
    const { rows } = await runCsv(
      queryFor(revenue, { date_range: SIX_MONTHS, top_n: 3 }, NEW_YORK),
    );
    expect(rows).toEqual(expected(SIX_MONTHS, NEW_YORK, 3));
    const perCurrency = new Map<string, Set<string>>();
    for (const [, name, cur] of rows)
      perCurrency.set(cur, (perCurrency.get(cur) ?? new Set()).add(name));
    expect([...perCurrency.values()].every((names) => names.size <= 3)).toBe(true);
    expect(Math.max(...[...perCurrency.values()].map((n) => n.size))).toBe(3);
  });

  it('currency narrows to payments in that currency', async () => {
    const params = { date_range: SIX_MONTHS, currency: 'USD', top_n: 10 };
    const { rows } = await runCsv(queryFor(revenue, params, NEW_YORK));
    expect(rows).toEqual(expected(SIX_MONTHS, NEW_YORK, 10, 'USD'));
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r[2] === 'USD')).toBe(true);
  });

  it('writes hostile customer names inert: a leading quote before formula characters', async () => {
    const year: DateRange = { preset: 'custom', from: '2025-03-16', to: '2026-03-15' };
    const { rows } = await runCsv(queryFor(revenue, { date_range: year, top_n: 1000 }, 'UTC'));
    expect(rows).toEqual(expected(year, 'UTC', 1000));
    const names = new Set(rows.map((r) => r[1]));
    const formulas = HOSTILE_NAMES.filter((n) => FORMULA.test(n));
    const present = formulas.filter((n) => names.has(`'${n}`));
    expect(present.length).toBeGreaterThanOrEqual(3);
    expect(formulas.some((n) => names.has(n))).toBe(false);
    expect([...names].some((n) => FORMULA.test(n))).toBe(false);
    // Commas, quotes and a newline survive the CSV round trip.
    expect(names.has('O\'Brien, "Quotes" & Sons\nLtd')).toBe(true);
  });
});

describe('audit_log_export', () => {
  type Entry = {
    id: string;
    created_at: Date;
    actor: string;
    action: string;
    resource_type: string;
    resource_id: string | null;
    request_id: string | null;
    details: unknown;
  };
  // 2025-03-30 is the spring-forward day in Berlin: 23 hours long.
  const RANGE: DateRange = { preset: 'custom', from: '2025-03-29', to: '2025-03-31' };
  const ACTIONS = ['schedule.created', 'schedule.updated', 'schedule.deleted', 'file.downloaded'];
  const ACTORS = ['user-1', 'ana@example.com', '=cmd|calc'];
  const DETAILS: unknown[] = [
    {},
    { name: 'Monthly, "final": report', changes: { status: ['active', 'paused'] } },
    { note: 'Łódź \n tab\t back\\slash', n: [1, 2.5, null, true] },
    ['a', { b: 'c: d, e' }],
  ];
  let entries: Entry[];

  beforeAll(async () => {
    const { fromInstant, toInstantExclusive } = resolveDateRange(RANGE, RUN_AT, BERLIN);
    const at = (ms: number) => new Date(ms);
    const span = toInstantExclusive.getTime() - fromInstant.getTime();
    const times = [
      at(fromInstant.getTime() - 1), // just before: out
      fromInstant, // first instant: in
      ...Array.from({ length: 40 }, (_, k) =>
        at(fromInstant.getTime() + Math.floor((span * k) / 40) + 7),
      ),
      at(Date.parse('2025-03-30T00:59:59.500Z')), // 01:59:59 CET, just before the gap
      at(Date.parse('2025-03-30T01:00:00.000Z')), // 03:00 CEST
      at(Date.parse('2025-03-30T01:00:00.000Z')), // same instant: ordered by id
      at(toInstantExclusive.getTime() - 1), // last millisecond: in
      toInstantExclusive, // first instant after: out
    ];
    const insert = `INSERT INTO audit_logs (organization_id, actor, action, resource_type,
                      resource_id, request_id, details, created_at)
                    VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`;
    for (const [k, time] of times.entries()) {
      await client.query(insert, [
        ORG,
        ACTORS[k % ACTORS.length],
        ACTIONS[k % ACTIONS.length],
        k % 3 === 0 ? 'report_execution' : 'scheduled_report',
        k % 5 === 0 ? null : `00000000-0000-4000-8000-${String(k).padStart(12, '0')}`,
        k % 4 === 0 ? null : `req-${k}`,
        JSON.stringify(DETAILS[k % DETAILS.length]),
        time,
      ]);
      await client.query(insert, [
        OTHER_ORG,
        'other-org-actor',
        ACTIONS[k % ACTIONS.length],
        'scheduled_report',
        null,
        null,
        '{}',
        time,
      ]);
    }
    entries = (
      await client.query<Entry>(`SELECT * FROM audit_logs WHERE organization_id = $1`, [ORG])
    ).rows;
  });

  function expected(keep: (e: Entry) => boolean = () => true): string[][] {
    const { fromInstant, toInstantExclusive } = resolveDateRange(RANGE, RUN_AT, BERLIN);
    return entries
      .filter((e) => e.created_at >= fromInstant && e.created_at < toInstantExclusive && keep(e))
      .sort((a, b) => a.created_at.getTime() - b.created_at.getTime() || compare(a.id, b.id))
      .map((e) => [
        moment.tz(e.created_at, BERLIN).format('YYYY-MM-DD HH:mm:ss'),
        cell(e.actor),
        cell(e.action),
        cell(e.resource_type),
        cell(e.resource_id),
        cell(e.request_id),
        cell(JSON.stringify(e.details)),
      ]);
  }

  it('exports the entries of the org in the range, oldest first, times in the zone', async () => {
    const { rows } = await runCsv(queryFor(auditExport, { date_range: RANGE }, BERLIN));
    expect(rows).toEqual(expected());
    expect(rows).toHaveLength(entries.length - 2);
    expect(rows.some((r) => r[1] === 'other-org-actor')).toBe(false);
    expect(rows[0][0]).toBe('2025-03-29 00:00:00');
    expect(rows[rows.length - 1][0]).toBe('2025-03-31 23:59:59');
    expect(rows.map((r) => r[0])).toContain('2025-03-30 03:00:00');
    expect(rows.map((r) => r[1])).toContain("'=cmd|calc");
  });

  it('writes details as compact JSON', async () => {
    const { rows } = await runCsv(queryFor(auditExport, { date_range: RANGE }, BERLIN));
    const details = new Set(rows.map((r) => r[6]));
    expect(details).toEqual(
      new Set([
        '{}',
        '{"name":"Monthly, \\"final\\": report","changes":{"status":["active","paused"]}}',
        '{"n":[1,2.5,null,true],"note":"Łódź \\n tab\\t back\\\\slash"}',
        '["a",{"b":"c: d, e"}]',
      ]),
    );
  });

  it('narrows by actions, actor and resource type', async () => {
    const byActions = { date_range: RANGE, actions: ['schedule.created', 'schedule.deleted'] };
    const actions = await runCsv(queryFor(auditExport, byActions, BERLIN));
    expect(actions.rows).toEqual(expected((e) => byActions.actions.includes(e.action)));
    expect(actions.rows.length).toBeGreaterThan(0);

    const byActor = { date_range: RANGE, actor: 'ana@example.com' };
    const actor = await runCsv(queryFor(auditExport, byActor, BERLIN));
    expect(actor.rows).toEqual(expected((e) => e.actor === 'ana@example.com'));
    expect(actor.rows.length).toBeGreaterThan(0);

    const byType = { date_range: RANGE, resource_type: 'report_execution' };
    const type = await runCsv(queryFor(auditExport, byType, BERLIN));
    expect(type.rows).toEqual(expected((e) => e.resource_type === 'report_execution'));
    expect(type.rows.length).toBeGreaterThan(0);

    const all = { ...byActions, ...byActor, ...byType };
    const both = await runCsv(queryFor(auditExport, all, BERLIN));
    expect(both.rows).toEqual(
      expected(
        (e) =>
          all.actions.includes(e.action) &&
          e.actor === all.actor &&
          e.resource_type === all.resource_type,
      ),
    );
  });
});
