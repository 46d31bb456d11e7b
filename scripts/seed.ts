import { Client } from 'pg';
import { databaseUrlFromEnv } from 'src/config/database-url';
import { seedBillingData } from 'src/modules/billing/seed-billing-data';

const USAGE =
  'usage: npm run seed -- --org <uuid> [--invoices N] [--usage-events M] [--customers C] [--org-name NAME]';

function parse(argv: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < argv.length; i += 2) {
    if (!argv[i].startsWith('--') || argv[i + 1] === undefined) throw new Error(USAGE);
    out[argv[i].slice(2)] = argv[i + 1];
  }
  return out;
}

function count(args: Record<string, string>, name: string, fallback: number): number {
  const raw = args[name];
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw)) throw new Error(`--${name} must be a whole number (got '${raw}')`);
  return Number(raw);
}

async function main(): Promise<void> {
  const args = parse(process.argv.slice(2));
  if (
    !args.org ||
    !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(args.org)
  ) {
    throw new Error(`--org <uuid> is required\n${USAGE}`);
  }
  const client = new Client({ connectionString: databaseUrlFromEnv() });
  await client.connect();
  try {
    const result = await seedBillingData(client, {
      orgId: args.org.toLowerCase(),
      orgName: args['org-name'],
      invoices: count(args, 'invoices', 1000),
      usageEvents: count(args, 'usage-events', 5000),
      customers: args.customers === undefined ? undefined : count(args, 'customers', 10),
      log: (line) => process.stdout.write(`  ${line}\n`),
    });
    process.stdout.write(
      `seeded org ${args.org}: ${result.customers} customers, ${result.invoices} invoices, ` +
        `${result.lineItems} line items, ${result.payments} payments, ${result.usageEvents} usage events ` +
        `in ${result.seconds.toFixed(1)} s\n`,
    );
  } finally {
    await client.end();
  }
}

main().catch((error: Error) => {
  process.stderr.write(`${error.message}\n`);
  process.exit(2);
});
