import type { DataSourceOptions } from 'typeorm';
import type { DatabaseLimits } from 'src/config/app-config';
// Migrations live at the top level, outside src/, so this one import is relative.
// eslint-disable-next-line no-restricted-imports
import { ALL_MIGRATIONS } from '../../migrations';
import { ALL_ENTITIES } from './entities';

const DEFAULT_KEEPALIVE_MS = 10_000;

/**
 * One definition of the connection, shared by the app, the CLI and the tests. `limits` are the
 * app's (a migration or a seed may rightly run for long, so tools pass none): statement and
 * idle-in-transaction timeouts are enforced by the server on every session of the pool; the
 * acquire timeout bounds both waiting for a free connection and opening one; TCP keepalive finds a
 * server that vanished without closing its sockets.
 */
export function dataSourceOptions(
  databaseUrl: string,
  limits: Partial<DatabaseLimits> = {},
): DataSourceOptions {
  return {
    type: 'postgres',
    url: databaseUrl,
    entities: ALL_ENTITIES,
    migrations: ALL_MIGRATIONS,
    migrationsTableName: 'typeorm_migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    uuidExtension: 'pgcrypto',
    extra: {
      max: 10,
      application_name: 'scheduled-reports',
      keepAlive: true,
      keepAliveInitialDelayMillis: limits.keepAliveInitialDelayMs ?? DEFAULT_KEEPALIVE_MS,
      ...(limits.acquireTimeoutMs ? { connectionTimeoutMillis: limits.acquireTimeoutMs } : {}),
      ...(limits.statementTimeoutMs ? { statement_timeout: limits.statementTimeoutMs } : {}),
      ...(limits.idleInTransactionTimeoutMs
        ? { idle_in_transaction_session_timeout: limits.idleInTransactionTimeoutMs }
        : {}),
    },
  };
}
