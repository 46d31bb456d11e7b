import { Pool, type ClientBase, type PoolClient } from 'pg';
import { ConflictError, ValidationFailedError } from 'src/common/errors/domain-error';
import {
  customersQuery,
  invoicesQuery,
  seedKeys,
  usageEventsQuery,
  type SeedKeys,
} from 'src/modules/billing/seed-billing-sql';

export { HOSTILE_NAMES } from 'src/modules/billing/seed-billing-catalog';

/** What to seed for one organization. */
export interface SeedOptions {
  orgId: string;
  /** Name for the organization row when it does not exist yet. */
  orgName?: string;
  invoices: number;
  usageEvents: number;
  /** Defaults to one customer per 200 invoices, at least 10. */
  customers?: number;
  /** Dates fall in the 548 days before the start (UTC) of this day. Defaults to today. */
  asOf?: Date;
  /** Delete the organization's billing rows first, instead of refusing when it has some. */
  replace?: boolean;
  /** About this many rows per INSERT statement: bounds memory and WAL per statement. */
  rowsPerStatement?: number;
  /** Connections to borrow when given a pool (capped by its max); a client is used alone. */
  connections?: number;
  /** Skip per-row foreign-key triggers when connected as a superuser. Defaults to true. */
  fastLoad?: boolean;
  log?: (line: string) => void;
}

/** Rows inserted per table, and how long it took. */
export interface SeedResult {
  customers: number;
  invoices: number;
  lineItems: number;
  payments: number;
  usageEvents: number;
  seconds: number;
}

interface SeedPlan {
  orgId: string;
  orgName: string;
  invoices: number;
  usageEvents: number;
  replace: boolean;
  rowsPerStatement: number;
  connections: number;
  fastLoad: boolean;
  log: (line: string) => void;
  keys: SeedKeys;
}

type Counts = Omit<SeedResult, 'seconds'>;
type Job = (client: ClientBase) => Promise<void>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const BILLING_TABLES = ['usage_events', 'payments', 'invoice_line_items', 'invoices', 'customers'];

/**
 * Fills the billing tables of one organization with realistic sample data, set-based (INSERT …
 * SELECT over generate_series, one statement per chunk of rows). Every value derives from hashes
 * of (organization, row number), so the same options give the same rows: ids, invoice numbers,
 * amounts, statuses and, for the same `asOf` day, timestamps.
 *
 * An organization that already has billing rows is refused (ConflictError) unless `replace` is
 * set, and a seed that fails removes what it inserted: an org is seeded completely or not at all.
 * Customers commit first; invoices and usage events are inserted over one connection per
 * transaction (two when given a pool, the CPU-bound part spread over two cores) and committed
 * together once all succeeded. Takes a client that is not inside a transaction, or a pool.
 */
export async function seedBillingData(
  db: ClientBase | Pool,
  options: SeedOptions,
): Promise<SeedResult> {
  const plan = planSeed(options);
  const started = performance.now();
  const pool = db instanceof Pool ? db : undefined;
  const main = pool ? await pool.connect() : (db as ClientBase);
  const helpers: PoolClient[] = [];
  const lock = `seed-billing-data:${plan.orgId}`;
  let failed = false;
  try {
    // Two seeders of one org would collide on the deterministic ids: the second waits here, then
    // is refused. A session lock, as the seed spans several transactions.
    await main.query('SELECT pg_advisory_lock(hashtext($1))', [lock]);
    const fast = plan.fastLoad && (await isSuperuser(main));
    const counts = { customers: 0, invoices: 0, lineItems: 0, payments: 0, usageEvents: 0 };
    await inTransaction([main], fast, () => prepare(main, plan, counts));
    plan.log(`customers: ${counts.customers} (${elapsed(started)})`);
    try {
      const extra = pool ? Math.min(plan.connections, pool.options.max ?? 10) - 1 : 0;
      for (let i = 0; pool && i < extra; i += 1) helpers.push(await pool.connect());
      await fill([main, ...helpers], plan, fast, counts, started);
    } catch (error) {
      failed = true;
      await inTransaction([main], fast, () => deleteBillingRows(main, plan.orgId)).catch(
        () => undefined,
      );
      throw error;
    }
    // Reports run right after seeding in tests and benches: give the planner real statistics.
    await main.query(`ANALYZE ${BILLING_TABLES.join(', ')}`);
    return { ...counts, seconds: (performance.now() - started) / 1000 };
  } finally {
    for (const helper of helpers) helper.release(failed);
    await main.query('SELECT pg_advisory_unlock(hashtext($1))', [lock]).catch(() => undefined);
    if (pool) (main as PoolClient).release(failed);
  }
}

function planSeed(options: SeedOptions): SeedPlan {
  const errors: string[] = [];
  if (typeof options.orgId !== 'string' || !UUID.test(options.orgId)) {
    errors.push('orgId must be a UUID');
  }
  const customers = options.customers ?? Math.max(10, Math.ceil(options.invoices / 200));
  const counts = { invoices: options.invoices, usageEvents: options.usageEvents, customers };
  for (const [name, value] of Object.entries(counts)) {
    if (!Number.isSafeInteger(value) || value < 0) errors.push(`${name} must be a whole number`);
  }
  if (customers === 0 && options.invoices + options.usageEvents > 0) {
    errors.push('customers must be at least 1 when there are invoices or usage events');
  }
  const asOf = options.asOf ?? new Date();
  if (Number.isNaN(asOf.getTime())) errors.push('asOf must be a valid date');
  if (errors.length > 0) throw new ValidationFailedError(errors);
  const orgId = options.orgId.toLowerCase();
  return {
    orgId,
    orgName: options.orgName ?? `Sample org ${orgId.slice(0, 8)}`,
    invoices: options.invoices,
    usageEvents: options.usageEvents,
    replace: options.replace ?? false,
    rowsPerStatement: Math.max(1000, options.rowsPerStatement ?? 200_000),
    connections: Math.max(1, options.connections ?? 2),
    fastLoad: options.fastLoad ?? true,
    log: options.log ?? (() => undefined),
    keys: seedKeys(orgId, asOf, customers),
  };
}

/** The organization row, the refusal or the clean slate, and the customers. */
async function prepare(db: ClientBase, plan: SeedPlan, counts: Counts): Promise<void> {
  await db.query(
    'INSERT INTO organizations (id, name) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING',
    [plan.orgId, plan.orgName],
  );
  if (plan.replace) {
    await deleteBillingRows(db, plan.orgId);
  } else {
    const { rows } = await db.query(
      `SELECT EXISTS (SELECT 1 FROM customers WHERE organization_id = $1)
           OR EXISTS (SELECT 1 FROM usage_events WHERE organization_id = $1) AS present`,
      [plan.orgId],
    );
    if (rows[0].present) {
      throw new ConflictError(
        `organization ${plan.orgId} already has billing data; seed another one, or replace it`,
      );
    }
  }
  for (const [from, to] of chunks(plan.keys.customers, plan.rowsPerStatement)) {
    const inserted = (await db.query(customersQuery(plan.keys, from, to))).rowCount ?? 0;
    counts.customers += inserted;
  }
}

/** Invoices (with line items and payments) then usage events, chunk by chunk over the clients. */
async function fill(
  clients: ClientBase[],
  plan: SeedPlan,
  fast: boolean,
  counts: Counts,
  started: number,
): Promise<void> {
  const jobs: Job[] = [];
  // About 1 invoice, 3 line items and 0.9 payments per invoice.
  for (const [from, to] of chunks(plan.invoices, Math.ceil(plan.rowsPerStatement / 5))) {
    jobs.push(async (client) => {
      const [row] = (await client.query(invoicesQuery(plan.keys, plan.invoices, from, to))).rows;
      counts.invoices += row.invoices;
      counts.lineItems += row.line_items;
      counts.payments += row.payments;
      plan.log(`invoices: ${counts.invoices}/${plan.invoices} (${elapsed(started)})`);
    });
  }
  for (const [from, to] of chunks(plan.usageEvents, plan.rowsPerStatement)) {
    jobs.push(async (client) => {
      const q = usageEventsQuery(plan.keys, plan.usageEvents, from, to);
      // Await first: `x += await y` would read x before the other connection's chunk finished.
      const inserted = (await client.query(q)).rowCount ?? 0;
      counts.usageEvents += inserted;
      plan.log(`usage events: ${counts.usageEvents}/${plan.usageEvents} (${elapsed(started)})`);
    });
  }
  await inTransaction(clients, fast, async () => {
    let next = 0;
    let failure: unknown;
    await Promise.all(
      clients.map(async (client) => {
        while (failure === undefined && next < jobs.length) {
          const job = jobs[next++];
          await job(client).catch((error: unknown) => (failure ??= error));
        }
      }),
    );
    if (failure !== undefined) throw failure;
  });
}

/**
 * Runs `work` with a transaction open on every client, committing all only if it succeeds.
 * jit: the planner's row estimates for nested generate_series are huge, so it compiles each
 * statement, which costs more than it saves. The fast load skips the foreign-key triggers: the
 * rows are consistent by construction (the integration test checks it).
 */
async function inTransaction(
  clients: ClientBase[],
  fast: boolean,
  work: () => Promise<void>,
): Promise<void> {
  const begin = async (client: ClientBase) => {
    await client.query('BEGIN');
    await client.query(`SET LOCAL jit = off`);
    await client.query(`SET LOCAL work_mem = '64MB'`);
    if (fast) await client.query('SET LOCAL session_replication_role = replica');
  };
  try {
    await Promise.all(clients.map(begin));
    await work();
  } catch (error) {
    await Promise.all(clients.map((c) => c.query('ROLLBACK').catch(() => undefined)));
    throw error;
  }
  for (const client of clients) await client.query('COMMIT');
}

async function deleteBillingRows(db: ClientBase, orgId: string): Promise<void> {
  // Children first: the fast load does not cascade.
  for (const table of BILLING_TABLES) {
    await db.query(`DELETE FROM ${table} WHERE organization_id = $1`, [orgId]);
  }
}

async function isSuperuser(db: ClientBase): Promise<boolean> {
  const { rows } = await db.query(`SELECT current_setting('is_superuser') = 'on' AS superuser`);
  return rows[0].superuser === true;
}

function* chunks(total: number, size: number): Generator<[number, number]> {
  for (let from = 1; from <= total; from += size) yield [from, Math.min(total, from + size - 1)];
}

function elapsed(started: number): string {
  return `${((performance.now() - started) / 1000).toFixed(1)} s`;
}
