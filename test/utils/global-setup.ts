import 'tsconfig-paths/register';
import 'reflect-metadata';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
// jest's globalSetup runs outside the module mapper, so this file imports relatively.
// eslint-disable-next-line no-restricted-imports
import { dataSourceOptions } from '../../src/database/data-source-options';
import { ADMIN_DATABASE_URL, TEST_DATABASE_NAME, TEST_DATABASE_URL } from './test-env';

/** Recreates the test database and migrates it once per jest run. */
export default async function globalSetup(): Promise<void> {
  const admin = new Client({ connectionString: ADMIN_DATABASE_URL });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${TEST_DATABASE_NAME}" WITH (FORCE)`);
    await admin.query(`CREATE DATABASE "${TEST_DATABASE_NAME}"`);
  } finally {
    await admin.end();
  }
  const dataSource = new DataSource(dataSourceOptions(TEST_DATABASE_URL));
  await dataSource.initialize();
  try {
    await dataSource.runMigrations();
  } finally {
    await dataSource.destroy();
  }
}
