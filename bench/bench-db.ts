import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { databaseUrlFromEnv } from 'src/config/database-url';
import { dataSourceOptions } from 'src/database/data-source-options';

/** A fresh, migrated database of the bench's own, beside the configured one. */
export async function freshBenchDatabase(name: string): Promise<string> {
  const base = databaseUrlFromEnv();
  const admin = new Client({ connectionString: base.replace(/\/[^/]*$/, '/postgres') });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  const url = base.replace(/\/[^/]*$/, `/${name}`);
  const dataSource = await new DataSource(dataSourceOptions(url)).initialize();
  await dataSource.runMigrations();
  await dataSource.destroy();
  return url;
}

export function peakRssMb(): number {
  return Math.round(process.resourceUsage().maxRSS / 1024);
}
