import { Pool } from 'pg';
import { ValidationFailedError } from 'src/common/errors/domain-error';
import { databaseUrlFromEnv } from 'src/config/database-url';
import { seedBillingData } from 'src/modules/billing/seed-billing-data';

const USAGE =
  'usage: npm run seed -- --org <uuid> --invoices N --usage-events M [--customers C] [--org-name NAME] [--as-of YYYY-MM-DD] [--replace]';
const VALUE_FLAGS = ['org', 'invoices', 'usage-events', 'customers', 'org-name', 'as-of'];
const BOOLEAN_FLAGS = ['replace'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A command-line mistake: one line on stderr, exit code 2. */
class UsageError extends Error {}

function parseArgs(argv: string[]): Map<string, string> {
  const args = new Map<string, string>();
  for (let i = 0; i < argv.length; i += 1) {
    const match = /^--([a-z-]+)(?:=(.*))?$/.exec(argv[i]);
    if (!match) throw new UsageError(`unexpected argument '${argv[i]}'; ${USAGE}`);
    const [, name, inline] = match;
    if (BOOLEAN_FLAGS.includes(name) && inline === undefined) {
      args.set(name, 'true');
    } else if (VALUE_FLAGS.includes(name)) {
      const value = inline ?? argv[(i += 1)];
      if (value === undefined) throw new UsageError(`--${name} needs a value; ${USAGE}`);
      args.set(name, value);
    } else {
      throw new UsageError(`unknown option --${name}; ${USAGE}`);
    }
  }
  return args;
}

function count(args: Map<string, string>, name: string): number | undefined {
  const raw = args.get(name);
  if (raw === undefined) return undefined;
  const value = Number(raw.replace(/_/g, ''));
  if (!/^[\d_]+$/.test(raw) || !Number.isSafeInteger(value)) {
    throw new UsageError(`--${name} must be a whole number, got '${raw}'`);
  }
  return value;
}

function required(value: number | undefined, name: string): number {
  if (value === undefined) throw new UsageError(`--${name} is required; ${USAGE}`);
  return value;
}

async function main(argv: string[]): Promise<void> {
  const args = parseArgs(argv);
  const org = args.get('org');
  if (org === undefined) throw new UsageError(`--org is required; ${USAGE}`);
  if (!UUID.test(org)) throw new UsageError(`--org must be a UUID, got '${org}'`);
  const asOf = args.get('as-of');
  if (asOf !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(asOf)) {
    throw new UsageError(`--as-of must be a date YYYY-MM-DD, got '${asOf}'`);
  }
  const options = {
    orgId: org,
    orgName: args.get('org-name'),
    invoices: required(count(args, 'invoices'), 'invoices'),
    usageEvents: required(count(args, 'usage-events'), 'usage-events'),
    customers: count(args, 'customers'),
    asOf: asOf === undefined ? undefined : new Date(`${asOf}T00:00:00Z`),
    replace: args.has('replace'),
  };

  // Two connections: the generation is CPU-bound in PostgreSQL, and this machine has two cores.
  const pool = new Pool({ connectionString: databaseUrlFromEnv(), max: 2 });
  try {
    const log = (line: string) => process.stdout.write(`  ${line}\n`);
    log(`seeding org ${org}`);
    const result = await seedBillingData(pool, { ...options, connections: 2, log });
    const rows = [
      ['customers', result.customers],
      ['invoices', result.invoices],
      ['invoice_line_items', result.lineItems],
      ['payments', result.payments],
      ['usage_events', result.usageEvents],
    ] as const;
    process.stdout.write(`seeded org ${org} in ${result.seconds.toFixed(1)} s\n`);
    for (const [table, n] of rows) process.stdout.write(`  ${table.padEnd(20)}${n}\n`);
  } finally {
    await pool.end();
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  // One line whatever went wrong: 2 for a usage mistake, 1 for a refusal or a database failure.
  const usage = error instanceof UsageError || error instanceof ValidationFailedError;
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`seed: ${message.replace(/\s*\n\s*/g, ' ')}\n`);
  process.exit(usage ? 2 : 1);
});
