import { loadConfig } from './load-config';

const PLACEHOLDER_SECRET = 'unused-by-database-tools';

/** DATABASE_URL for tools (migration CLI, seed) that need no secrets; still validated. */
export function databaseUrlFromEnv(): string {
  return loadConfig({
    ...process.env,
    JWT_SECRET: PLACEHOLDER_SECRET,
    JWT_PUBLIC_KEY: undefined,
    APP_SECRET: PLACEHOLDER_SECRET,
  }).databaseUrl;
}
