import { createHash } from 'node:crypto';
import type { QueryConfig } from 'pg';
import { HOSTILE_NAMES, FIRST_WORDS, SECOND_WORDS, SLOTS, PRODUCTS } from './seed-billing-catalog';

/*
 * The statements that generate sample billing data from the catalog. Every value
 * is a function of (organization, row number) through hashint8extended, whose results PostgreSQL
 * keeps stable across versions and platforms (hash partitioning depends on it). So a statement
 * gives the same rows for a range whichever session runs it, in whatever order.
 */

const WINDOW_DAYS = 548; // 18 months

/** What every statement of one seed shares. */
export interface SeedKeys {
  orgId: string;
  /** 48 bits of the org id's hash, as text; statements add offsets for independent streams. */
  seed: string;
  /** Start of the as-of day, UTC, ISO 8601: the window ends here. */
  anchor: string;
  customers: number;
}

export function seedKeys(orgId: string, asOf: Date, customers: number): SeedKeys {
  return {
    orgId,
    seed: BigInt(`0x${md5(orgId).slice(0, 12)}`).toString(),
    anchor: `${asOf.toISOString().slice(0, 10)}T00:00:00Z`,
    customers,
  };
}

/** Customers from..to (1-based). */
export function customersQuery(keys: SeedKeys, from: number, to: number): QueryConfig {
  // The hostile names go to customers 1, 1 + stride, ...: all present from 9 customers up.
  const stride = Math.min(50, Math.max(1, Math.floor(keys.customers / HOSTILE_NAMES.length)));
  return {
    text: CUSTOMERS_SQL,
    values: [
      keys.orgId,
      keys.seed,
      from,
      to,
      keys.anchor,
      idPrefix(keys.orgId, 'customers'),
      HOSTILE_NAMES,
      FIRST_WORDS,
      SECOND_WORDS,
      stride,
    ],
  };
}

/** Invoices from..to of `total`, with their line items and payments; returns the three counts. */
export function invoicesQuery(
  keys: SeedKeys,
  total: number,
  from: number,
  to: number,
): QueryConfig {
  return {
    text: INVOICES_SQL,
    values: [
      keys.orgId,
      keys.seed,
      from,
      to,
      total,
      keys.customers,
      keys.anchor,
      idPrefix(keys.orgId, 'invoices'),
      idPrefix(keys.orgId, 'invoice_line_items'),
      idPrefix(keys.orgId, 'payments'),
      idPrefix(keys.orgId, 'customers'),
    ],
  };
}

/** Usage events from..to of `total`. */
export function usageEventsQuery(
  keys: SeedKeys,
  total: number,
  from: number,
  to: number,
): QueryConfig {
  return {
    text: USAGE_EVENTS_SQL,
    values: [
      keys.orgId,
      keys.seed,
      from,
      to,
      total,
      keys.customers,
      keys.anchor,
      idPrefix(keys.orgId, 'customers'),
    ],
  };
}

function md5(text: string): string {
  return createHash('md5').update(text).digest('hex');
}

/**
 * First 17 hex digits of a version-8 UUID; SQL appends 15 digits of row number. Ids then sort by
 * row number within an org, so index inserts append instead of landing on random pages.
 */
function idPrefix(orgId: string, table: string): string {
  const h = md5(`${orgId}:${table}`);
  return `${h.slice(0, 12)}8${h.slice(13, 16)}${(8 + (parseInt(h[16], 16) & 3)).toString(16)}`;
}

// SQL below is built from the constants above (never from input) and reads best top-down.
const sqlArray = (values: readonly (string | number)[], type: string) =>
  `ARRAY[${values.map((v) => (typeof v === 'number' ? v : `'${v.replace(/'/g, "''")}'`)).join(', ')}]::${type}[]`;
/** One field of every catalog entry, as a SQL array indexed like the catalog (1-based). */
const column = <T>(rows: readonly T[], pick: (row: T) => string | number, type: string) =>
  sqlArray(rows.map(pick), type);
const MARKET_COUNTRY = column(SLOTS, (m) => m.country, 'text');
const MARKET_CURRENCY = column(SLOTS, (m) => m.currency, 'text');
const MARKET_SUFFIX = column(SLOTS, (m) => m.suffix, 'text');
const MARKET_FX = column(SLOTS, (m) => m.fxPer100, 'bigint');
// [slot][1..4]: markets with fewer rates repeat them.
const MARKET_TAX = `ARRAY[${SLOTS.map((m) =>
  sqlArray(
    [0, 1, 2, 3].map((i) => m.taxBps[i % m.taxBps.length]),
    'int',
  ).replace('::int[]', ''),
).join(', ')}]::int[]`;
const PRODUCT_DESCRIPTION = column(PRODUCTS, (p) => p.description, 'text');
const PRODUCT_UNIT = column(PRODUCTS, (p) => p.unitCents, 'bigint');
const PRODUCT_MIN_QTY = column(PRODUCTS, (p) => p.minQty, 'int');
const PRODUCT_QTY_SPAN = column(PRODUCTS, (p) => p.maxQty - p.minQty + 1, 'int');

/*
 * Fragments over fixed column names. A customer's traits derive from its number c alone, through
 * hc = hashint8extended(c, seed + 1), so invoices and usage events compute them again instead of
 * reading the customers table. Bits of hc: 0-15 market, 16-31 first word, 32-35 tax exempt, 36-37
 * tax rate, 38-47 second word, 48-49 email, 50-52 payment method.
 */
const CUSTOMER_HASH = 'hashint8extended(c, $2::bigint + 1)';
const SLOT = `(1 + (hc & 65535) % ${SLOTS.length})::int`;
const TAX_BPS = `CASE WHEN (hc >> 32 & 15) = 0 THEN 0 ELSE (${MARKET_TAX})[${SLOT}][1 + (hc >> 36 & 3)] END`;
// Customer 1 gets the most invoices and usage, the last the fewest: a few large accounts.
const skewedCustomer = (h: string) =>
  `(1 + floor($6 * power((${h} >> 40 & 1048575)::float8 / 1048576, 2)))::bigint`;
const uuidFrom = (prefix: string, n: string) => `(${prefix} || lpad(to_hex(${n}), 15, '0'))::uuid`;
// Row i of $5 lands this far into the window (0..1), in order; the density doubles from start to end.
const spread = (i: string, h: string) =>
  `$7::timestamptz - interval '${WINDOW_DAYS} days'
     + floor((sqrt(1 + 3 * (${i} - 1 + (${h} & 65535)::float8 / 65536) / $5) - 1) * ${WINDOW_DAYS * 86400})
       * interval '1 second'`;

// Item k of invoice g: a product distinct within the invoice, a quantity and a unit price.
const product = (k: string) => `(1 + (base + ${k}) % ${PRODUCTS.length})::int`;
const quantity = (k: string) =>
  `((${PRODUCT_MIN_QTY})[${product(k)}]
     + (hashint8extended(g * 8 + ${k}, $2::bigint + 12) & 65535) % (${PRODUCT_QTY_SPAN})[${product(k)}])`;
const unitAmount = (k: string) => `((${PRODUCT_UNIT})[${product(k)}] * fx / 100)`;
// Spelled out for k = 1..5: cheaper than an aggregate subquery per invoice.
const SUBTOTAL = [1, 2, 3, 4, 5]
  .map(
    (k) => `CASE WHEN n >= ${k} THEN ${quantity(String(k))} * ${unitAmount(String(k))} ELSE 0 END`,
  )
  .join(' + ');

// One method per customer, as customers keep paying the same way; eighths by currency.
const methods = (card: number, other: string, otherCount: number) =>
  sqlArray(
    [
      ...Array<string>(card).fill('card'),
      ...Array<string>(otherCount).fill(other),
      ...Array<string>(8 - card - otherCount).fill('bank_transfer'),
    ],
    'text',
  );
const PAYMENT_METHOD = `CASE currency
  WHEN 'EUR' THEN (${methods(4, 'sepa', 3)})[1 + (hc >> 50 & 7)]
  WHEN 'USD' THEN (${methods(4, 'ach', 3)})[1 + (hc >> 50 & 7)]
  ELSE (${methods(5, 'bank_transfer', 3)})[1 + (hc >> 50 & 7)] END`;

/** Customers c = $3..$4; the hostile names every $10th from the first. */
const CUSTOMERS_SQL = `
  INSERT INTO customers (id, organization_id, name, email, country, currency, created_at)
  SELECT ${uuidFrom('$6', 'c')}, $1::uuid,
         CASE WHEN (c - 1) % $10 = 0 AND (c - 1) / $10 < cardinality($7::text[])
              THEN ($7::text[])[1 + (c - 1) / $10]
              ELSE ($8::text[])[1 + (hc >> 16 & 65535) % cardinality($8::text[])]
                   || ' ' || ($9::text[])[1 + (hc >> 38 & 1023) % cardinality($9::text[])]
                   || ' ' || (${MARKET_SUFFIX})[${SLOT}] END,
         (ARRAY['billing', 'accounts', 'finance', 'ap'])[1 + (hc >> 48 & 3)]
           || '@customer' || c || '.example.com',
         (${MARKET_COUNTRY})[${SLOT}],
         (${MARKET_CURRENCY})[${SLOT}],
         $5::timestamptz - interval '${WINDOW_DAYS} days'
           - (h & 1023) % 365 * interval '1 day' - (h >> 10 & 131071) % 86400 * interval '1 second'
    FROM (SELECT c, ${CUSTOMER_HASH} AS hc, hashint8extended(c, $2::bigint + 2) AS h
            FROM generate_series($3::bigint, $4::bigint) c
          OFFSET 0) x`;

/*
 * Invoices g = $3..$4 of $5, their line items and payments, in one statement. The status follows
 * from a payment delay drawn per invoice: 60% pay within terms, 23% up to 45 days late, 10% later,
 * 7% never. Paid if that day came before $7; otherwise open, and never-payers more than 120 days
 * past due mostly uncollectible. A quarter of unpaid invoices are part paid; an eighth of paid ones
 * in two instalments. 3% void; a quarter of the last week's invoices still drafts.
 * OFFSET 0 keeps each layer from being inlined into the next, which would repeat its expressions.
 */
const INVOICES_SQL = `
  WITH drawn AS (
    SELECT g, h1, h2, c, ${CUSTOMER_HASH} AS hc
      FROM (SELECT g, h1, h2, ${skewedCustomer('h1')} AS c
              FROM (SELECT g, hashint8extended(g, $2::bigint + 10) AS h1,
                           hashint8extended(g, $2::bigint + 11) AS h2
                      FROM generate_series($3::bigint, $4::bigint) g) s) s
    OFFSET 0
  ), priced AS (
    SELECT g, h2, c, hc, n, base, fx, terms, issued_at, (${MARKET_CURRENCY})[${SLOT}] AS currency,
           ${SUBTOTAL} AS subtotal, ${TAX_BPS} AS tax_bps,
           CASE WHEN (h2 >> 12 & 1023) < 72 THEN NULL
                WHEN (h2 >> 12 & 1023) < 686 THEN terms * (0.1 + 0.9 * v)
                WHEN (h2 >> 12 & 1023) < 922 THEN terms + 1 + 44 * v
                ELSE terms + 46 + 200 * v END AS delay_days
      FROM (SELECT *, 1 + (h1 & 65535) % 5 AS n, h1 >> 16 & 7 AS base, (${MARKET_FX})[${SLOT}] AS fx,
                   (ARRAY[14, 30, 30, 45])[1 + (h1 >> 19 & 3)] AS terms,
                   ${spread('g', 'h1 >> 21')} AS issued_at,
                   (h2 >> 22 & 1023)::float8 / 1024 AS v
              FROM drawn) s
    OFFSET 0
  ), settled AS (
    SELECT *,
           CASE WHEN (h2 & 1023) < 31 THEN 'void'
                WHEN issued_at > $7::timestamptz - interval '7 days' AND (h2 >> 10 & 3) = 0 THEN 'draft'
                WHEN pays_at <= $7::timestamptz THEN 'paid'
                WHEN pays_at IS NULL AND (h2 >> 32 & 3) <> 0
                     AND due_date < ($7::timestamptz AT TIME ZONE 'UTC')::date - 120 THEN 'uncollectible'
                ELSE 'open' END AS status
      FROM (SELECT *, subtotal + tax AS total
              FROM (SELECT *, (subtotal * tax_bps + 5000) / 10000 AS tax,
                           (issued_at AT TIME ZONE 'UTC')::date + terms AS due_date,
                           date_trunc('second', issued_at + delay_days * interval '1 day') AS pays_at
                      FROM priced) s) s
    OFFSET 0
  ), f AS MATERIALIZED (
    SELECT *,
           CASE WHEN status = 'paid' THEN total
                WHEN part_paid THEN total * (20 + (h2 >> 36 & 63)) / 100 ELSE 0 END AS amount_paid,
           CASE WHEN status = 'paid' AND total >= 100 AND (h2 >> 44 & 7) = 0 THEN 2
                WHEN status = 'paid' OR part_paid THEN 1 ELSE 0 END AS payments,
           total * (30 + (h2 >> 47 & 31)) / 100 AS first_instalment,
           ${uuidFrom('$8', 'g')} AS invoice_id, ${uuidFrom('$11', 'c')} AS customer_id
      FROM (SELECT *, status IN ('open', 'uncollectible') AND total >= 100 AND (h2 >> 34 & 3) = 0
                      AND issued_at + terms * interval '12 hours' <= $7::timestamptz AS part_paid
              FROM settled) s
  ), inserted_invoices AS (
    INSERT INTO invoices (id, organization_id, customer_id, number, status, currency,
                          subtotal_cents, tax_cents, total_cents, amount_paid_cents,
                          issued_at, due_date, paid_at, created_at)
    SELECT invoice_id, $1::uuid, customer_id,
           'INV-' || lpad(g::text, greatest(8, length(g::text)), '0'), status, currency,
           subtotal, tax, total, amount_paid,
           issued_at, due_date, CASE WHEN status = 'paid' THEN pays_at END, issued_at
      FROM f
  ), inserted_items AS (
    INSERT INTO invoice_line_items (id, organization_id, invoice_id, description, quantity,
                                    unit_amount_cents, amount_cents)
    SELECT ${uuidFrom('$9', 'g * 8 + k')}, $1::uuid, invoice_id,
           (${PRODUCT_DESCRIPTION})[product], quantity, unit_amount, quantity * unit_amount
      FROM (SELECT g, k, invoice_id, ${product('k')} AS product, ${quantity('k')} AS quantity,
                   ${unitAmount('k')} AS unit_amount
              FROM f CROSS JOIN LATERAL generate_series(1, f.n) k
            OFFSET 0) i
  ), inserted_payments AS (
    INSERT INTO payments (id, organization_id, invoice_id, customer_id, amount_cents, currency,
                          paid_at, method, created_at)
    SELECT ${uuidFrom('$10', 'g * 2 + j')}, $1::uuid, invoice_id, customer_id,
           amount, currency, at, ${PAYMENT_METHOD}, at
      FROM (SELECT g, j, invoice_id, customer_id, hc, currency,
                   CASE WHEN payments = 2 AND j = 1 THEN first_instalment
                        WHEN payments = 2 THEN total - first_instalment
                        ELSE amount_paid END AS amount,
                   CASE WHEN status <> 'paid' THEN issued_at + terms * interval '12 hours'
                        WHEN payments = 2 AND j = 1
                          THEN date_trunc('second', issued_at + (pays_at - issued_at) / 2)
                        ELSE pays_at END AS at
              FROM f CROSS JOIN LATERAL generate_series(1, f.payments) j
            OFFSET 0) p
  )
  -- The inserts run to completion whether read or not; counting f spares them a RETURNING.
  SELECT count(*)::int AS invoices, sum(n)::int AS line_items, sum(payments)::int AS payments
    FROM f`;

// Weights in tenths: half the events are API requests.
const METRICS = sqlArray(
  [
    ...Array<string>(5).fill('api.requests'),
    ...Array<string>(2).fill('emails.sent'),
    ...Array<string>(2).fill('storage.gb_hours'),
    'seats',
  ],
  'text',
);

/** Usage events e = $3..$4 of $5, spread over the window like the invoices. */
const USAGE_EVENTS_SQL = `
  INSERT INTO usage_events (organization_id, customer_id, metric, quantity, occurred_at)
  SELECT $1::uuid, ${uuidFrom('$8', skewedCustomer('h'))}, metric,
         CASE metric
           WHEN 'api.requests'
             THEN (1 + floor(2000 * power((h >> 20 & 65535)::float8 / 65536, 3)))::numeric
           WHEN 'emails.sent' THEN (1 + (h >> 20 & 65535) % 500)::numeric
           WHEN 'storage.gb_hours' THEN round((h >> 20 & 1048575) / 2000.0, 4)
           ELSE (1 + (h >> 20 & 65535) % 50)::numeric END,
         ${spread('e', 'h')}
    FROM (SELECT e, h, (${METRICS})[1 + (h >> 16 & 15) % 10] AS metric
            FROM (SELECT e, hashint8extended(e, $2::bigint + 20) AS h
                    FROM generate_series($3::bigint, $4::bigint) e) s
          OFFSET 0) x`;
