import type { ClientBase } from 'pg';

export interface SeedOptions {
  orgId: string;
  orgName?: string;
  invoices: number;
  usageEvents: number;
  /** Defaults to one customer per 200 invoices, at least 10. */
  customers?: number;
  /** Rows per INSERT statement: bounds memory and WAL per statement. */
  chunk?: number;
  log?: (line: string) => void;
}

export interface SeedResult {
  customers: number;
  invoices: number;
  lineItems: number;
  payments: number;
  usageEvents: number;
  seconds: number;
}

/** Text that must come out inert in every format: formula and HTML injection. */
export const HOSTILE_NAMES = [
  '=HYPERLINK("http://evil.example","click")',
  "+cmd|' /C calc'!A0",
  '-2+3',
  '@SUM(A1:A9)',
  '<script>alert(1)</script> Ltd',
  '<img src=x onerror=alert(1)>',
];

const NAMES = [
  'Acme',
  'Globex',
  'Initech',
  'Umbrella',
  'Hooli',
  'Stark',
  'Wayne',
  'Wonka',
  'Tyrell',
  'Cyberdyne',
  'Soylent',
  'Vandelay',
];
const SUFFIXES = ['Inc', 'LLC', 'GmbH', 'Ltd', 'SA', 'BV', 'Pty', 'KK'];

/**
 * Fills the billing tables of one organization with deterministic, realistic data using
 * set-based SQL (INSERT … SELECT … generate_series), never a row-per-INSERT loop. Values
 * derive from hashes of (org, row number), so the same request gives the same data on the
 * same day; dates are relative to today. Seeding an org again appends after its rows.
 * Takes one client (not a pool): the session settings below must apply to every statement.
 */
export async function seedBillingData(db: ClientBase, options: SeedOptions): Promise<SeedResult> {
  const started = Date.now();
  const log = options.log ?? (() => undefined);
  const chunk = options.chunk ?? 200_000;
  // The generated rows are consistent by construction: skip per-row FK triggers and the
  // commit flush while seeding (superuser only; otherwise it just runs slower).
  await db.query('SET synchronous_commit = off');
  const fastLoad = await db.query(`SET session_replication_role = replica`).then(
    () => true,
    () => false,
  );
  try {
    return await seed(db, options, { log, chunk, started });
  } finally {
    if (fastLoad) await db.query('SET session_replication_role = DEFAULT');
    await db.query('SET synchronous_commit = DEFAULT');
  }
}

async function seed(
  db: ClientBase,
  options: SeedOptions,
  ctx: { log: (line: string) => void; chunk: number; started: number },
): Promise<SeedResult> {
  const { log, chunk, started } = ctx;
  const customers = options.customers ?? Math.max(10, Math.ceil(options.invoices / 200));
  const org = options.orgId;
  await db.query(
    `INSERT INTO organizations (id, name) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING`,
    [org, options.orgName ?? `Org ${org.slice(0, 8)}`],
  );
  const [{ offset: customerOffset }] = (
    await db.query(`SELECT count(*)::int AS offset FROM customers WHERE organization_id = $1`, [
      org,
    ])
  ).rows;
  const [{ offset: invoiceOffset }] = (
    await db.query(`SELECT count(*)::int AS offset FROM invoices WHERE organization_id = $1`, [org])
  ).rows;

  await db.query(
    `INSERT INTO customers (id, organization_id, name, email, country, currency, created_at)
     SELECT md5($1 || ':c:' || g)::uuid, $1::uuid,
            CASE WHEN g % 50 = 7 THEN ($5::text[])[1 + (g / 50) % array_length($5::text[], 1)]
                 ELSE ($6::text[])[1 + abs(hashtext($1 || ':cn:' || g)) % array_length($6::text[], 1)]
                      || ' ' || ($7::text[])[1 + abs(hashtext($1 || ':cs:' || g)) % array_length($7::text[], 1)]
                      || ' ' || g END,
            'billing+' || g || '@customer' || (g % 97) || '.example',
            (ARRAY['US','GB','DE','FR','JP','BR','IN','AU'])[1 + abs(hashtext($1 || ':cc:' || g)) % 8],
            (ARRAY['USD','USD','USD','EUR','EUR','GBP','JPY','BRL'])[1 + abs(hashtext($1 || ':cu:' || g)) % 8],
            now() - interval '2 years'
       FROM generate_series($2::int + 1, $2::int + $3::int) g
      WHERE $4::int > 0`,
    [org, customerOffset, customers, customers, HOSTILE_NAMES, NAMES, SUFFIXES],
  );
  const customerTotal = customerOffset + customers;
  log(`customers: ${customers}`);

  let lineItems = 0;
  let payments = 0;
  for (let from = invoiceOffset + 1; from <= invoiceOffset + options.invoices; from += chunk) {
    const to = Math.min(from + chunk - 1, invoiceOffset + options.invoices);
    await insertInvoices(db, org, from, to, customerTotal);
    lineItems += await insertLineItems(db, org, from, to);
    payments += await insertPayments(db, org, from, to);
    log(`invoices: ${to - invoiceOffset}/${options.invoices}`);
  }
  for (let from = 1; from <= options.usageEvents; from += chunk) {
    const to = Math.min(from + chunk - 1, options.usageEvents);
    await db.query(
      `INSERT INTO usage_events (organization_id, customer_id, metric, quantity, occurred_at)
       SELECT $1::uuid, md5($1 || ':c:' || (1 + abs(hashtext($1 || ':uc:' || g)) % $4::int))::uuid,
              (ARRAY['api.requests','storage.gb_hours','seats','emails.sent'])[1 + abs(hashtext($1 || ':um:' || g)) % 4],
              (abs(hashtext($1 || ':uq:' || g)) % 100000) / 100.0,
              date_trunc('day', now()) - (abs(hashtext($1 || ':ut:' || g)) % (90 * 86400)) * interval '1 second'
         FROM generate_series($2::int, $3::int) g`,
      [org, from, to, customerTotal],
    );
    log(`usage events: ${to}/${options.usageEvents}`);
  }
  await db.query('ANALYZE customers, invoices, invoice_line_items, payments, usage_events');
  return {
    customers,
    invoices: options.invoices,
    lineItems,
    payments,
    usageEvents: options.usageEvents,
    seconds: (Date.now() - started) / 1000,
  };
}

/** Invoices g = from..to: weighted statuses, tax 0–25 %, 14/30/45-day terms, over 18 months. */
async function insertInvoices(
  db: ClientBase,
  org: string,
  from: number,
  to: number,
  customers: number,
) {
  await db.query(
    `INSERT INTO invoices (id, organization_id, customer_id, number, status, currency, subtotal_cents,
                           tax_cents, total_cents, amount_paid_cents, issued_at, due_date, paid_at)
     SELECT md5($1 || ':i:' || g)::uuid, $1::uuid, customer_id, 'INV-' || lpad(g::text, 8, '0'), status, currency,
            subtotal, tax, subtotal + tax,
            CASE WHEN status = 'paid' THEN subtotal + tax
                 WHEN status = 'open' AND g % 3 = 0 THEN (subtotal + tax) / 2 ELSE 0 END,
            issued_at, (issued_at AT TIME ZONE 'UTC')::date + terms,
            CASE WHEN status = 'paid' THEN issued_at + (g % terms) * interval '1 day' END
       FROM (
         SELECT g,
                md5($1 || ':c:' || (1 + abs(hashtext($1 || ':ic:' || g)) % $4::int))::uuid AS customer_id,
                CASE WHEN h % 100 < 55 THEN 'paid' WHEN h % 100 < 80 THEN 'open' WHEN h % 100 < 88 THEN 'draft'
                     WHEN h % 100 < 94 THEN 'void' ELSE 'uncollectible' END AS status,
                (ARRAY['USD','USD','USD','EUR','EUR','GBP','JPY','BRL'])[1 + (h / 7) % 8] AS currency,
                1000 + (h / 13) % 500000 AS subtotal,
                ((1000 + (h / 13) % 500000) * (ARRAY[0, 5, 10, 20, 25])[1 + (h / 3) % 5]) / 100 AS tax,
                date_trunc('day', now()) - ((h / 17) % (548 * 86400)) * interval '1 second' AS issued_at,
                (ARRAY[14, 30, 45])[1 + (h / 11) % 3] AS terms
           FROM (SELECT g, abs(hashtext($1 || ':ih:' || g))::bigint AS h FROM generate_series($2::int, $3::int) g) s
       ) x`,
    [org, from, to, customers],
  );
}

/** 1–5 line items per invoice whose amounts add up exactly to its subtotal. */
async function insertLineItems(
  db: ClientBase,
  org: string,
  from: number,
  to: number,
): Promise<number> {
  const result = await db.query(
    `INSERT INTO invoice_line_items (organization_id, invoice_id, description, quantity, unit_amount_cents, amount_cents)
     SELECT $1::uuid, i.id,
            (ARRAY['Platform subscription','Additional seats','API overage','Support plan','Storage'])[k],
            1, amount, amount
       FROM invoices i
       CROSS JOIN LATERAL (SELECT 1 + abs(hashtext(i.id::text)) % 5 AS n) c
       CROSS JOIN LATERAL generate_series(1, c.n) k
       CROSS JOIN LATERAL (SELECT CASE WHEN k < c.n THEN i.subtotal_cents / c.n
                                       ELSE i.subtotal_cents - (c.n - 1) * (i.subtotal_cents / c.n) END AS amount) a
      WHERE i.organization_id = $1::uuid AND i.number BETWEEN 'INV-' || lpad($2::text, 8, '0') AND 'INV-' || lpad($3::text, 8, '0')`,
    [org, from, to],
  );
  return result.rowCount ?? 0;
}

/** One payment per paid or part-paid invoice, for exactly the amount paid. */
async function insertPayments(
  db: ClientBase,
  org: string,
  from: number,
  to: number,
): Promise<number> {
  const result = await db.query(
    `INSERT INTO payments (organization_id, invoice_id, customer_id, amount_cents, currency, paid_at, method)
     SELECT $1::uuid, i.id, i.customer_id, i.amount_paid_cents, i.currency, coalesce(i.paid_at, i.issued_at + interval '3 days'),
            (ARRAY['card','bank_transfer','ach','sepa'])[1 + abs(hashtext(i.id::text || 'm')) % 4]
       FROM invoices i
      WHERE i.organization_id = $1::uuid AND i.amount_paid_cents > 0
        AND i.number BETWEEN 'INV-' || lpad($2::text, 8, '0') AND 'INV-' || lpad($3::text, 8, '0')`,
    [org, from, to],
  );
  return result.rowCount ?? 0;
}
