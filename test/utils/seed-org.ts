import { Client } from 'pg';
import { seedBillingData } from 'src/modules/billing/seed-billing-data';
import { TEST_DATABASE_URL } from './test-env';

/** Fills one organization with sample billing data (customers, invoices, payments, usage). */
export async function seedOrgData(options: Parameters<typeof seedBillingData>[1]): Promise<void> {
  const client = new Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    await seedBillingData(client, options);
  } finally {
    await client.end();
  }
}
