import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Connection settings for tests; the suite owns one database and recreates it per run. */
export const TEST_DATABASE_NAME = process.env.TEST_DATABASE_NAME ?? 'scheduled_reports_test';
export const ADMIN_DATABASE_URL =
  process.env.TEST_ADMIN_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const TEST_DATABASE_URL = ADMIN_DATABASE_URL.replace(/\/[^/]*$/, `/${TEST_DATABASE_NAME}`);
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/5';
/** The server TEST_REDIS_URL names: the only Redis a test may stop and restart. */
export const TEST_REDIS = redisTarget(TEST_REDIS_URL);
export const TEST_STORAGE_DIR = join(tmpdir(), 'scheduled-reports-test-storage');
export const TEST_JWT_SECRET = 'test-jwt-secret-at-least-16-chars';
export const TEST_APP_SECRET = 'test-app-secret-at-least-16-chars';

/** The environment an app under test boots with. */
export function testAppEnv(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    DATABASE_URL: TEST_DATABASE_URL,
    REDIS_URL: TEST_REDIS_URL,
    JWT_SECRET: TEST_JWT_SECRET,
    APP_SECRET: TEST_APP_SECRET,
    MIGRATIONS_RUN: 'false',
    APP_ROLE: 'api',
    STORAGE_DIR: TEST_STORAGE_DIR,
    QUEUE_LOCK_DURATION_MS: '5000',
    JOB_BACKOFF_MS: '200',
    ...overrides,
  };
}

function redisTarget(url: string): { host: string; port: number; password?: string } {
  const parsed = new URL(url);
  return {
    host: parsed.hostname.replace(/^\[(.*)\]$/, '$1') || '127.0.0.1',
    port: Number(parsed.port || 6379),
    password: parsed.password ? decodeURIComponent(parsed.password) : undefined,
  };
}
