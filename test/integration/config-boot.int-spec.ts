import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { loadConfig } from 'src/config/load-config';

const ROOT = path.resolve(__dirname, '../..');

/** Boots the real entry point with a given environment and returns what it printed. */
function boot(env: Record<string, string>) {
  const result = spawnSync(
    process.execPath,
    ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', 'src/main.ts'],
    {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', MIGRATIONS_RUN: 'false', ...env },
      encoding: 'utf8',
      timeout: 60_000,
    },
  );
  return { status: result.status, stderr: result.stderr.trim() };
}

const VALID = {
  JWT_SECRET: 'boot-test-secret-0123456789',
  APP_SECRET: 'boot-test-app-secret-0123',
};

describe('configuration at boot', () => {
  it.each([
    ['a missing APP_SECRET', { JWT_SECRET: VALID.JWT_SECRET }, 'APP_SECRET is required'],
    [
      'neither JWT_SECRET nor JWT_PUBLIC_KEY',
      { APP_SECRET: VALID.APP_SECRET },
      'JWT_SECRET is required',
    ],
    ['a non-numeric PORT', { ...VALID, PORT: 'eighty' }, 'PORT must be an integer'],
    [
      'an unknown APP_ROLE',
      { ...VALID, APP_ROLE: 'cron' },
      'APP_ROLE must be one of all, api, scheduler, worker',
    ],
    [
      'a bad DATABASE_URL',
      { ...VALID, DATABASE_URL: 'mysql://x' },
      'DATABASE_URL must use postgres:',
    ],
    [
      'a short STORAGE_ENCRYPTION_KEY',
      { ...VALID, STORAGE_ENCRYPTION_KEY: 'c2hvcnQ=' },
      'STORAGE_ENCRYPTION_KEY must be the base64 of exactly 32 bytes',
    ],
    [
      's3 without a bucket',
      { ...VALID, STORAGE_DRIVER: 's3' },
      'S3_BUCKET is required when STORAGE_DRIVER=s3',
    ],
  ])('stops the process with one line naming the variable for %s', (_label, env, expected) => {
    const { status, stderr } = boot(env);
    expect(status).toBe(1);
    expect(stderr.split('\n')).toEqual([expect.stringMatching(/^Invalid configuration: /)]);
    expect(stderr).toContain(expected);
  });
});

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    const config = loadConfig(VALID);
    expect(config).toMatchObject({
      role: 'all',
      port: 3000,
      databaseUrl: 'postgres://postgres@127.0.0.1:5432/scheduled_reports',
      redisUrl: 'redis://127.0.0.1:6379',
      migrationsRun: true,
      publicBaseUrl: 'http://localhost:3000',
      mail: { smtpUrl: 'smtp://127.0.0.1:1025', from: 'reports@localhost' },
      storage: { driver: 'local', dir: './var/storage' },
      slackApiUrl: 'https://slack.com/api',
      outboundAllowHosts: [],
    });
  });

  it('reads lists, booleans and keys', () => {
    const key = Buffer.alloc(32, 7).toString('base64');
    const config = loadConfig({
      ...VALID,
      OUTBOUND_ALLOW_HOSTS: '127.0.0.1, Hooks.Example ,',
      MIGRATIONS_RUN: 'false',
      STORAGE_ENCRYPTION_KEY: key,
      PUBLIC_BASE_URL: 'https://reports.example/',
    });
    expect(config.outboundAllowHosts).toEqual(['127.0.0.1', 'hooks.example']);
    expect(config.migrationsRun).toBe(false);
    expect(config.storage.encryptionKey?.length).toBe(32);
    expect(config.publicBaseUrl).toBe('https://reports.example');
  });

  it('reads the key ring: APP_SECRETS current key first, or APP_SECRET as key k0', () => {
    expect(loadConfig(VALID).appKeys).toEqual([{ id: 'k0', secret: VALID.APP_SECRET }]);
    const ring = loadConfig({
      JWT_SECRET: VALID.JWT_SECRET,
      APP_SECRETS: ' k2:second-secret-0123456789 , k1:first-secret-01234567890',
    });
    expect(ring.appKeys).toEqual([
      { id: 'k2', secret: 'second-secret-0123456789' },
      { id: 'k1', secret: 'first-secret-01234567890' },
    ]);
    expect(ring.appSecret).toBe('second-secret-0123456789');
  });

  it.each([
    ['k1secret-without-an-id-0123', 'APP_SECRETS must be id:secret pairs'],
    ['k1:short', "APP_SECRETS key 'k1' must be at least 16 characters"],
    ['k1:first-secret-0123456789,k1:other-secret-0123456789', "key id 'k1' appears twice"],
    ['bad id!:first-secret-0123456789', 'APP_SECRETS must be id:secret pairs'],
  ])('refuses APP_SECRETS=%s', (value, message) => {
    expect(() => loadConfig({ JWT_SECRET: VALID.JWT_SECRET, APP_SECRETS: value })).toThrow(message);
  });
});
