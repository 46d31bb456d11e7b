import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { Client, Pool } from 'pg';
import { DataSource } from 'typeorm';
import { ConflictError, ValidationFailedError } from 'src/common/errors/domain-error';
import { dataSourceOptions } from 'src/database/data-source-options';
import {
  HOSTILE_NAMES,
  seedBillingData,
  type SeedResult,
} from 'src/modules/billing/seed-billing-data';
import { ADMIN_DATABASE_URL, TEST_DATABASE_NAME } from 'test/utils/test-env';

// A database of its own: seeding wants a clean slate, and the shared test database is busy.
// Named after the suite's, so two suites side by side never drop each other's.
const DATABASE = `${TEST_DATABASE_NAME}_billing_seed`;
const URL = ADMIN_DATABASE_URL.replace(/\/[^/]*$/, `/${DATABASE}`);
const ORG_A = 'a0a0a0a0-0000-4000-8000-00000000000a';
const ORG_B = 'b0b0b0b0-0000-4000-8000-00000000000b';
const AS_OF = new Date('2026-06-15T12:00:00Z');
const WINDOW_START = new Date(Date.UTC(2026, 5, 15) - 548 * 86_400_000);
const A = { orgId: ORG_A, invoices: 2000, usageEvents: 3000, customers: 40, asOf: AS_OF };
const B = { orgId: ORG_B, invoices: 500, usageEvents: 800, customers: 12, asOf: AS_OF };
const TABLES = ['customers', 'invoices', 'invoice_line_items', 'payments', 'usage_events'];

async function admin(sql: string): Promise<void> {
  const client = new Client({ connectionString: ADMIN_DATABASE_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** Every seeded value of one org except usage event ids (identity), folded into one hash. */
const SNAPSHOT_SQL = `
  SELECT md5(string_agg(t, '|' ORDER BY t)) AS hash FROM (
    SELECT 'c' || row(id, name, email, country, currency, created_at)::text AS t
      FROM customers WHERE organization_id = $1
    UNION ALL
    SELECT 'i' || row(id, customer_id, number, status, currency, subtotal_cents, tax_cents,
                      total_cents, amount_paid_cents, issued_at, due_date, paid_at, created_at)::text
      FROM invoices WHERE organization_id = $1
    UNION ALL
    SELECT 'l' || row(id, invoice_id, description, quantity, unit_amount_cents, amount_cents)::text
      FROM invoice_line_items WHERE organization_id = $1
    UNION ALL
    SELECT 'p' || row(id, invoice_id, customer_id, amount_cents, currency, paid_at, method)::text
      FROM payments WHERE organization_id = $1
    UNION ALL
    SELECT 'u' || row(customer_id, metric, quantity, occurred_at)::text
      FROM usage_events WHERE organization_id = $1
  ) s`;

describe('seedBillingData', () => {
  let pool: Pool;
  let seededA: SeedResult;
  let seededB: SeedResult;
  let snapshotA: string;

  const one = async <T = Record<string, unknown>>(sql: string, params: unknown[] = []) =>
    (await pool.query(sql, params)).rows[0] as T;
  const snapshot = async (orgId: string) =>
    (await one<{ hash: string }>(SNAPSHOT_SQL, [orgId])).hash;
  const countsOf = async (orgId: string) => {
    const counts: Record<string, number> = {};
    for (const table of TABLES) {
      const row = await one<{ n: number }>(
        `SELECT count(*)::int AS n FROM ${table} WHERE organization_id = $1`,
        [orgId],
      );
      counts[table] = row.n;
    }
    return counts;
  };

  beforeAll(async () => {
    await admin(`DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`);
    await admin(`CREATE DATABASE ${DATABASE}`);
    const dataSource = await new DataSource(dataSourceOptions(URL)).initialize();
    try {
      await dataSource.runMigrations({ transaction: 'each' });
    } finally {
      await dataSource.destroy();
    }
    pool = new Pool({ connectionString: URL, max: 4 });
    // A over two pooled connections with small statements; B over one client, with the
    // foreign-key triggers on, so the database checks every reference of that path itself.
    seededA = await seedBillingData(pool, { ...A, rowsPerStatement: 2000 });
    snapshotA = await snapshot(ORG_A);
    const client = new Client({ connectionString: URL });
    await client.connect();
    try {
      seededB = await seedBillingData(client, { ...B, fastLoad: false });
    } finally {
      await client.end();
    }
  }, 120_000);

  afterAll(async () => {
    await pool?.end();
    await admin(`DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`);
  });

  it('inserts the requested counts, and reports what it inserted', async () => {
    for (const [seeded, request] of [
      [seededA, A],
      [seededB, B],
    ] as const) {
      expect(seeded).toMatchObject({
        customers: request.customers,
        invoices: request.invoices,
        usageEvents: request.usageEvents,
      });
      expect(seeded.lineItems).toBeGreaterThanOrEqual(request.invoices);
      expect(seeded.lineItems).toBeLessThanOrEqual(request.invoices * 5);
      expect(await countsOf(request.orgId)).toEqual({
        customers: seeded.customers,
        invoices: seeded.invoices,
        invoice_line_items: seeded.lineItems,
        payments: seeded.payments,
        usage_events: seeded.usageEvents,
      });
    }
    expect(await one(`SELECT name FROM organizations WHERE id = $1`, [ORG_A])).toEqual({
      name: 'Sample org a0a0a0a0',
    });
  });

  it('links every row to a parent of the same organization', async () => {
    const links = [
      ['invoices', 'customer_id', 'customers'],
      ['invoice_line_items', 'invoice_id', 'invoices'],
      ['payments', 'invoice_id', 'invoices'],
      ['payments', 'customer_id', 'customers'],
      ['usage_events', 'customer_id', 'customers'],
    ];
    for (const [child, column, parent] of links) {
      const row = await one(
        `SELECT count(*)::int AS n FROM ${child} x LEFT JOIN ${parent} p ON p.id = x.${column}
          WHERE p.id IS NULL OR p.organization_id <> x.organization_id`,
      );
      expect({ child, column, ...row }).toEqual({ child, column, n: 0 });
    }
    const payments = await one(
      `SELECT count(*)::int AS n FROM payments p JOIN invoices i ON i.id = p.invoice_id
        WHERE p.customer_id <> i.customer_id OR p.currency <> i.currency`,
    );
    expect(payments).toEqual({ n: 0 });
  });

  it('keeps the money consistent: totals, line items, payments', async () => {
    const broken = await one(`
      SELECT count(*) FILTER (WHERE total_cents <> subtotal_cents + tax_cents) AS total,
             count(*) FILTER (WHERE lines IS DISTINCT FROM subtotal_cents) AS lines,
             count(*) FILTER (WHERE n_lines NOT BETWEEN 1 AND 5) AS n_lines,
             count(*) FILTER (WHERE coalesce(paid, 0) <> amount_paid_cents) AS paid_sum,
             count(*) FILTER (WHERE amount_paid_cents > total_cents) AS overpaid,
             count(*) FILTER (WHERE status = 'paid' AND (amount_paid_cents <> total_cents
                                   OR paid_at IS DISTINCT FROM last_paid_at)) AS paid,
             count(*) FILTER (WHERE status IN ('draft', 'void') AND amount_paid_cents <> 0) AS unpaid,
             count(*) FILTER (WHERE tax_cents * 100 > subtotal_cents * 25 + 100) AS tax_rate
        FROM invoices i
        LEFT JOIN LATERAL (SELECT sum(amount_cents) AS lines, count(*) AS n_lines
                             FROM invoice_line_items WHERE invoice_id = i.id) l ON true
        LEFT JOIN LATERAL (SELECT sum(amount_cents) AS paid, max(paid_at) AS last_paid_at
                             FROM payments WHERE invoice_id = i.id) p ON true`);
    expect(broken).toEqual({
      total: '0',
      lines: '0',
      n_lines: '0',
      paid_sum: '0',
      overpaid: '0',
      paid: '0',
      unpaid: '0',
      tax_rate: '0',
    });
  });

  it('looks like real billing: statuses, currencies, dates, terms and overdue invoices', async () => {
    const { rows: statuses } = await pool.query(
      `SELECT status, count(*)::int AS n FROM invoices WHERE organization_id = $1 GROUP BY 1`,
      [ORG_A],
    );
    const byStatus = Object.fromEntries(statuses.map((r) => [r.status, r.n]));
    expect(Object.keys(byStatus).sort()).toEqual([
      'draft',
      'open',
      'paid',
      'uncollectible',
      'void',
    ]);
    expect(byStatus.paid).toBeGreaterThan(A.invoices / 2);

    const shape = await one(
      `SELECT count(DISTINCT currency)::int AS currencies,
              min(issued_at) AS first_issued, max(issued_at) AS last_issued,
              array_agg(DISTINCT due_date - (issued_at AT TIME ZONE 'UTC')::date) AS terms,
              bool_and(paid_at IS NULL OR (paid_at >= issued_at AND paid_at <= $2)) AS paid_in_window
         FROM invoices WHERE organization_id = $1`,
      [ORG_A, new Date('2026-06-15T00:00:00Z')],
    );
    expect(shape.currencies).toBeGreaterThanOrEqual(4);
    expect((shape.first_issued as Date).getTime()).toBeGreaterThanOrEqual(WINDOW_START.getTime());
    expect((shape.last_issued as Date).getTime()).toBeLessThan(Date.UTC(2026, 5, 15));
    expect((shape.terms as number[]).sort()).toEqual([14, 30, 45]);
    expect(shape.paid_in_window).toBe(true);

    // ar_aging has something in each bucket: open invoices current, 1-30 and over 90 days past due.
    const aging = await one(
      `SELECT count(*) FILTER (WHERE due_date >= $2::date)::int AS current,
              count(*) FILTER (WHERE $2::date - due_date BETWEEN 1 AND 30)::int AS d30,
              count(*) FILTER (WHERE $2::date - due_date > 90)::int AS d90
         FROM invoices WHERE organization_id = $1 AND status = 'open'`,
      [ORG_A, '2026-06-15'],
    );
    expect(aging.current).toBeGreaterThan(0);
    expect(aging.d30).toBeGreaterThan(0);
    expect(aging.d90).toBeGreaterThan(0);

    const usage = await one(
      `SELECT count(DISTINCT metric)::int AS metrics, count(DISTINCT customer_id)::int AS customers,
              min(occurred_at) AS first, max(occurred_at) AS last
         FROM usage_events WHERE organization_id = $1`,
      [ORG_A],
    );
    expect(usage.metrics).toBe(4);
    expect(usage.customers).toBeGreaterThan(A.customers / 2);
    expect((usage.first as Date).getTime()).toBeGreaterThanOrEqual(WINDOW_START.getTime());
    expect((usage.last as Date).getTime()).toBeLessThan(Date.UTC(2026, 5, 15));
  });

  it('gives customers hostile names, for the injection tests of every format', async () => {
    for (const orgId of [ORG_A, ORG_B]) {
      const { rows } = await pool.query(
        `SELECT c.name, count(i.id)::int AS invoices FROM customers c
           LEFT JOIN invoices i ON i.customer_id = c.id
          WHERE c.organization_id = $1 AND c.name = ANY($2) GROUP BY c.name`,
        [orgId, HOSTILE_NAMES],
      );
      expect(rows.map((r) => r.name).sort()).toEqual([...HOSTILE_NAMES].sort());
      expect(rows.some((r) => r.invoices > 0)).toBe(true);
    }
  });

  it('numbers invoices INV-00000001 upwards', async () => {
    const row = await one(
      `SELECT min(number) AS first, max(number) AS last, count(DISTINCT number)::int AS n
         FROM invoices WHERE organization_id = $1`,
      [ORG_A],
    );
    expect(row).toEqual({ first: 'INV-00000001', last: 'INV-00002000', n: 2000 });
  });

  it('refuses to seed an organization twice, and leaves its rows alone', async () => {
    await expect(seedBillingData(pool, A)).rejects.toThrow(ConflictError);
    expect(await snapshot(ORG_A)).toBe(snapshotA);
  });

  it('is deterministic: replacing an org gives the same rows, over one connection or two', async () => {
    expect(await snapshot(ORG_A)).toBe(snapshotA); // seeding B did not touch A
    const client = await pool.connect();
    try {
      await seedBillingData(client, { ...A, replace: true, fastLoad: false });
    } finally {
      client.release();
    }
    expect(await snapshot(ORG_A)).toBe(snapshotA);
    expect(await countsOf(ORG_A)).toMatchObject({ invoices: A.invoices });
  });

  it('rejects bad options before touching the database', async () => {
    await expect(seedBillingData(pool, { ...A, orgId: 'nope' })).rejects.toThrow(
      ValidationFailedError,
    );
    await expect(seedBillingData(pool, { ...A, invoices: -1 })).rejects.toThrow(
      ValidationFailedError,
    );
    await expect(seedBillingData(pool, { ...A, customers: 0 })).rejects.toThrow(
      ValidationFailedError,
    );
  });

  it('removes everything it inserted when a statement fails midway', async () => {
    const orgC = 'c0c0c0c0-0000-4000-8000-00000000000c';
    // Usage events come last, after customers, invoices and payments are in.
    await pool.query(
      `ALTER TABLE usage_events ADD CONSTRAINT test_no_seats CHECK (metric <> 'seats') NOT VALID`,
    );
    try {
      await expect(
        seedBillingData(pool, { ...B, orgId: orgC, rowsPerStatement: 1000 }),
      ).rejects.toThrow(/test_no_seats/);
    } finally {
      await pool.query(`ALTER TABLE usage_events DROP CONSTRAINT test_no_seats`);
    }
    expect(Object.values(await countsOf(orgC))).toEqual([0, 0, 0, 0, 0]);
    await seedBillingData(pool, { ...B, orgId: orgC }); // and a retry is not refused
    expect(await countsOf(orgC)).toMatchObject({ invoices: B.invoices });
  });

  it('goes away with its organization', async () => {
    await pool.query(`DELETE FROM organizations WHERE id = $1`, [ORG_B]);
    expect(Object.values(await countsOf(ORG_B))).toEqual([0, 0, 0, 0, 0]);
    expect(await snapshot(ORG_A)).toBe(snapshotA);
  });

  describe('npm run seed', () => {
    const seed = (args: string[]) =>
      spawnSync(
        process.execPath,
        [
          '-r',
          'ts-node/register/transpile-only',
          '-r',
          'tsconfig-paths/register',
          join(__dirname, '../../../scripts/seed.ts'),
          ...args,
        ],
        { encoding: 'utf8', env: { ...process.env, DATABASE_URL: URL }, timeout: 60_000 },
      );

    it('exits 2 with one line on a bad or missing --org', () => {
      for (const args of [
        ['--org', 'not-a-uuid', '--invoices', '1', '--usage-events', '1'],
        ['--invoices', '1', '--usage-events', '1'],
      ]) {
        const run = seed(args);
        expect(run.status).toBe(2);
        expect(run.stderr.trim().split('\n')).toHaveLength(1);
        expect(run.stderr).toMatch(/^seed: --org /);
      }
    }, 60_000);

    it('seeds and prints the rows per table', () => {
      const org = 'd0d0d0d0-0000-4000-8000-00000000000d';
      const run = seed(['--org', org, '--invoices', '300', '--usage-events', '400']);
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      expect(run.stdout).toMatch(/invoices +300\n/);
      expect(run.stdout).toMatch(/usage_events +400\n/);
      const again = seed(['--org', org, '--invoices', '300', '--usage-events', '400']);
      expect(again.status).toBe(1);
      expect(again.stderr).toMatch(/already has billing data/);
    }, 60_000);
  });
});
