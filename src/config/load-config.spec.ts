import { parseDurationSeconds } from './duration';
import { loadConfig } from './load-config';

const PEM =
  '-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\n-----END PUBLIC KEY-----';
const BASE = { APP_SECRET: 'app-secret-0123456789' };
const SECRET = 'jwt-secret-0123456789';

describe('loadConfig: JWT', () => {
  it('defaults JWT_MAX_AGE to 24 h and HS256 next to a public key to off', () => {
    const { jwt } = loadConfig({ ...BASE, JWT_SECRET: SECRET });
    expect(jwt).toMatchObject({ maxAgeSeconds: 86_400, allowHs256: false });
  });

  it.each([
    ['90m', 5400],
    ['24h', 86_400],
    ['3600s', 3600],
    ['3600', 3600],
    ['2d', 172_800],
  ])('reads JWT_MAX_AGE=%s', (value, seconds) => {
    expect(loadConfig({ ...BASE, JWT_SECRET: SECRET, JWT_MAX_AGE: value }).jwt.maxAgeSeconds).toBe(
      seconds,
    );
  });

  it.each(['1.5h', '2 weeks', '-5m', 'forever', '30s', '31d'])(
    'refuses JWT_MAX_AGE=%s',
    (value) => {
      expect(() => loadConfig({ ...BASE, JWT_SECRET: SECRET, JWT_MAX_AGE: value })).toThrow(
        /^Invalid configuration: JWT_MAX_AGE must be a duration/,
      );
    },
  );

  it('requires JWT_ISSUER and JWT_AUDIENCE with a public key', () => {
    expect(() => loadConfig({ ...BASE, JWT_PUBLIC_KEY: PEM })).toThrow(
      'Invalid configuration: JWT_ISSUER is required with JWT_PUBLIC_KEY',
    );
    expect(() => loadConfig({ ...BASE, JWT_PUBLIC_KEY: PEM, JWT_ISSUER: 'https://idp/' })).toThrow(
      'Invalid configuration: JWT_AUDIENCE is required with JWT_PUBLIC_KEY',
    );
    const idp = { ...BASE, JWT_PUBLIC_KEY: PEM, JWT_ISSUER: 'https://idp/', JWT_AUDIENCE: 'r' };
    expect(loadConfig(idp).jwt).toMatchObject({ issuer: 'https://idp/', audience: 'r' });
  });

  it('refuses HS256 next to a public key unless JWT_ALLOW_HS256 says so', () => {
    const idp = { ...BASE, JWT_PUBLIC_KEY: PEM, JWT_ISSUER: 'https://idp/', JWT_AUDIENCE: 'r' };
    expect(() => loadConfig({ ...idp, JWT_SECRET: SECRET })).toThrow(
      /^Invalid configuration: JWT_SECRET must not be set with JWT_PUBLIC_KEY/,
    );
    const both = loadConfig({ ...idp, JWT_SECRET: SECRET, JWT_ALLOW_HS256: 'true' }).jwt;
    expect(both).toMatchObject({ secret: SECRET, allowHs256: true });
  });

  it('still needs one of JWT_SECRET and JWT_PUBLIC_KEY', () => {
    expect(() => loadConfig(BASE)).toThrow('JWT_SECRET is required');
  });
});

describe('parseDurationSeconds', () => {
  it('reads units and plain seconds, nothing else', () => {
    expect(parseDurationSeconds('15m')).toBe(900);
    expect(parseDurationSeconds(' 8h ')).toBe(28_800);
    expect(parseDurationSeconds('8H')).toBeNull();
    expect(parseDurationSeconds('')).toBeNull();
    expect(parseDurationSeconds('1e3')).toBeNull();
  });
});

describe('loadConfig: PostgreSQL limits and the storage sweep', () => {
  const env = { ...BASE, JWT_SECRET: SECRET };

  it('defaults to limits a stuck query or a dead server cannot outlast', () => {
    const config = loadConfig(env);
    expect(config.database).toEqual({
      statementTimeoutMs: 60_000,
      idleInTransactionTimeoutMs: 60_000,
      acquireTimeoutMs: 10_000,
      keepAliveInitialDelayMs: 10_000,
    });
    expect(config.scheduler.storageSweepMinAgeMs).toBe(86_400_000);
  });

  it('reads them, 0 turning the server-side timeouts off', () => {
    const config = loadConfig({
      ...env,
      DATABASE_STATEMENT_TIMEOUT_MS: '0',
      DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS: '120000',
      DATABASE_ACQUIRE_TIMEOUT_MS: '2500',
      DATABASE_KEEPALIVE_MS: '5000',
    });
    expect(config.database).toEqual({
      statementTimeoutMs: 0,
      idleInTransactionTimeoutMs: 120_000,
      acquireTimeoutMs: 2500,
      keepAliveInitialDelayMs: 5000,
    });
  });

  it('refuses a sweep age under a minute', () => {
    expect(() => loadConfig({ ...env, STORAGE_SWEEP_MIN_AGE_MS: '1000' })).toThrow(
      /^Invalid configuration: STORAGE_SWEEP_MIN_AGE_MS must be an integer/,
    );
  });
});
