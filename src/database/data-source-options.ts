import type { DataSourceOptions } from 'typeorm';
// Migrations live at the top level, outside src/, so this one import is relative.
// eslint-disable-next-line no-restricted-imports
import { ALL_MIGRATIONS } from '../../migrations';
import { ALL_ENTITIES } from './entities';

/** One definition of the connection, shared by the app, the CLI and the tests. */
export function dataSourceOptions(databaseUrl: string): DataSourceOptions {
  return {
    type: 'postgres',
    url: databaseUrl,
    entities: ALL_ENTITIES,
    migrations: ALL_MIGRATIONS,
    migrationsTableName: 'typeorm_migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    uuidExtension: 'pgcrypto',
    extra: { max: 10, application_name: 'scheduled-reports' },
  };
}
