import { AppConfig, AppKey, AppRole } from './app-config';
import { ConfigError } from './config.errors';
import { parseDurationSeconds } from './duration';

type Env = Record<string, string | undefined>;

const ROLES: readonly AppRole[] = ['all', 'api', 'scheduler', 'worker'];

/** Reads and validates every configuration variable; throws a ConfigError naming the first bad one. */
export function loadConfig(env: Env): AppConfig {
  const read = new EnvReader(env);
  const port = read.integer('PORT', 3000, 1, 65535);
  const jwt = readJwt(read);
  const appKeys = readAppKeys(read);

  return {
    role: read.oneOf('APP_ROLE', ROLES, 'all'),
    port,
    databaseUrl: read.url('DATABASE_URL', 'postgres://postgres@127.0.0.1:5432/scheduled_reports', [
      'postgres:',
      'postgresql:',
    ]),
    database: {
      statementTimeoutMs: read.integer('DATABASE_STATEMENT_TIMEOUT_MS', 60_000, 0, 6 * 3_600_000),
      idleInTransactionTimeoutMs: read.integer(
        'DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS',
        60_000,
        0,
        6 * 3_600_000,
      ),
      acquireTimeoutMs: read.integer('DATABASE_ACQUIRE_TIMEOUT_MS', 10_000, 100, 600_000),
      keepAliveInitialDelayMs: read.integer('DATABASE_KEEPALIVE_MS', 10_000, 1000, 600_000),
    },
    redisUrl: read.url('REDIS_URL', 'redis://127.0.0.1:6379', ['redis:', 'rediss:']),
    migrationsRun: read.boolean('MIGRATIONS_RUN', true),
    jwt,
    appKeys,
    appSecret: appKeys[0].secret,
    publicBaseUrl: read
      .url('PUBLIC_BASE_URL', `http://localhost:${port}`, ['http:', 'https:'])
      .replace(/\/+$/, ''),
    mail: {
      smtpUrl: read.url('SMTP_URL', 'smtp://127.0.0.1:1025', ['smtp:', 'smtps:']),
      from: read.email('MAIL_FROM', 'reports@localhost'),
    },
    storage: readStorage(read),
    chromiumPath: read.optional('CHROMIUM_PATH'),
    slackApiUrl: read
      .url('SLACK_API_URL', 'https://slack.com/api', ['http:', 'https:'])
      .replace(/\/+$/, ''),
    outboundAllowHosts: read.list('OUTBOUND_ALLOW_HOSTS'),
    scheduler: {
      misfireGraceSeconds: read.integer('MISFIRE_GRACE_SECONDS', 3600, 0, 7 * 24 * 3600),
      batchSize: read.integer('SCHEDULER_BATCH_SIZE', 1000, 1, 10000),
      storageSweepMinAgeMs: read.integer(
        'STORAGE_SWEEP_MIN_AGE_MS',
        86_400_000,
        60_000,
        90 * 86_400_000,
      ),
    },
    queue: {
      lockDurationMs: read.integer('QUEUE_LOCK_DURATION_MS', 30_000, 1000, 600_000),
      attempts: read.integer('JOB_ATTEMPTS', 5, 1, 50),
      backoffMs: read.integer('JOB_BACKOFF_MS', 5000, 10, 3_600_000),
      generationConcurrency: read.integer('GENERATION_CONCURRENCY', 2, 1, 64),
      shutdownGraceMs: read.integer('SHUTDOWN_GRACE_MS', 25_000, 0, 3_600_000),
    },
    limits: {
      generationTimeoutMs: read.integer('GENERATION_TIMEOUT_MS', 600_000, 1000, 6 * 3_600_000),
      maxRows: read.integer('REPORT_MAX_ROWS', 5_000_000, 1, 100_000_000),
      pdfMaxRows: read.integer('PDF_MAX_ROWS', 50_000, 1, 1_000_000),
      requestsPerMinute: read.integer('RATE_LIMIT_PER_MINUTE', 600, 0, 1_000_000),
    },
    delivery: {
      concurrency: read.integer('DELIVERY_CONCURRENCY', 10, 1, 200),
      webhookTimeoutMs: read.integer('WEBHOOK_TIMEOUT_MS', 5000, 100, 60_000),
      autoPauseAfterFailures: read.integer('AUTO_PAUSE_AFTER_FAILURES', 5, 0, 100),
    },
    log: {
      format: read.oneOf('LOG_FORMAT', ['json', 'text'] as const, 'json'),
      level: read.oneOf('LOG_LEVEL', ['debug', 'info', 'warn', 'error'] as const, 'info'),
    },
  };
}

/**
 * JWT_SECRET (HS256) and/or JWT_PUBLIC_KEY (RS256/ES256). A public key means a real IdP, so its
 * tokens must name the expected issuer and audience (a token of another application of the same
 * IdP must not pass), and HS256 stays off unless JWT_ALLOW_HS256 says otherwise: a shared secret
 * copied to dev machines must not be able to mint production tokens.
 */
function readJwt(read: EnvReader): AppConfig['jwt'] {
  const secret = read.optional('JWT_SECRET');
  const publicKey = read.optional('JWT_PUBLIC_KEY');
  if (!secret && !publicKey) {
    throw new ConfigError('JWT_SECRET', 'is required (or set JWT_PUBLIC_KEY)');
  }
  if (secret !== undefined && secret.length < 16) {
    throw new ConfigError('JWT_SECRET', 'must be at least 16 characters');
  }
  if (publicKey !== undefined && !/-----BEGIN [A-Z ]*PUBLIC KEY-----/.test(publicKey)) {
    throw new ConfigError(
      'JWT_PUBLIC_KEY',
      'must be a PEM public key (-----BEGIN PUBLIC KEY-----)',
    );
  }
  const issuer = read.optional('JWT_ISSUER');
  const audience = read.optional('JWT_AUDIENCE');
  const allowHs256 = read.boolean('JWT_ALLOW_HS256', false);
  if (publicKey !== undefined) {
    if (!issuer) throw new ConfigError('JWT_ISSUER', 'is required with JWT_PUBLIC_KEY');
    if (!audience) throw new ConfigError('JWT_AUDIENCE', 'is required with JWT_PUBLIC_KEY');
    if (secret !== undefined && !allowHs256) {
      throw new ConfigError(
        'JWT_SECRET',
        'must not be set with JWT_PUBLIC_KEY (HS256 tokens signed with it would be accepted); ' +
          'unset it, or set JWT_ALLOW_HS256=true',
      );
    }
  }
  return {
    secret,
    publicKey: publicKey?.replace(/\\n/g, '\n'),
    issuer,
    audience,
    allowHs256,
    maxAgeSeconds: read.duration('JWT_MAX_AGE', 24 * 3600, 60, 30 * 86_400),
  };
}

/**
 * APP_SECRETS is `id:secret,id:secret` (current key first); without it APP_SECRET is the ring's
 * only key, with id `k0`. Ids are short names ([A-Za-z0-9_-]), secrets at least 16 characters.
 */
function readAppKeys(read: EnvReader): AppKey[] {
  const ring = read.optional('APP_SECRETS');
  if (ring === undefined) {
    const secret = read.optional('APP_SECRET');
    if (!secret) throw new ConfigError('APP_SECRET', 'is required (or set APP_SECRETS)');
    if (secret.length < 16) throw new ConfigError('APP_SECRET', 'must be at least 16 characters');
    return [{ id: 'k0', secret }];
  }
  const keys = ring.split(',').map((entry) => {
    const colon = entry.indexOf(':');
    const id = entry.slice(0, colon).trim();
    const secret = entry.slice(colon + 1).trim();
    if (colon < 1 || !/^[A-Za-z0-9_-]{1,32}$/.test(id)) {
      throw new ConfigError(
        'APP_SECRETS',
        `must be id:secret pairs separated by commas (got '${entry.slice(0, 40)}')`,
      );
    }
    if (secret.length < 16) {
      throw new ConfigError('APP_SECRETS', `key '${id}' must be at least 16 characters`);
    }
    return { id, secret };
  });
  const ids = keys.map((k) => k.id);
  const repeated = ids.find((id, i) => ids.indexOf(id) !== i);
  if (repeated) throw new ConfigError('APP_SECRETS', `key id '${repeated}' appears twice`);
  return keys;
}

function readStorage(read: EnvReader): AppConfig['storage'] {
  const driver = read.oneOf('STORAGE_DRIVER', ['local', 's3'] as const, 'local');
  const bucket = read.optional('S3_BUCKET');
  if (driver === 's3' && !bucket) {
    throw new ConfigError('S3_BUCKET', 'is required when STORAGE_DRIVER=s3');
  }
  const endpoint = read.optional('S3_ENDPOINT');
  if (endpoint !== undefined) read.url('S3_ENDPOINT', endpoint, ['http:', 'https:']);
  return {
    driver,
    dir: read.optional('STORAGE_DIR') ?? './var/storage',
    s3: {
      bucket,
      region: read.optional('S3_REGION'),
      endpoint,
      forcePathStyle: read.boolean('S3_FORCE_PATH_STYLE', false),
      partSizeBytes: read.integer(
        'S3_PART_SIZE_BYTES',
        8 * 1024 * 1024,
        5 * 1024 * 1024,
        5 * 1024 ** 3,
      ),
    },
    encryptionKey: read.base64Key('STORAGE_ENCRYPTION_KEY', 32),
  };
}

/** Small typed readers; each failure names its variable. */
class EnvReader {
  constructor(private readonly env: Env) {}

  optional(name: string): string | undefined {
    const value = this.env[name];
    return value === undefined || value.trim() === '' ? undefined : value.trim();
  }

  integer(name: string, fallback: number, min: number, max: number): number {
    const raw = this.optional(name);
    if (raw === undefined) return fallback;
    if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
      throw new ConfigError(name, `must be an integer from ${min} to ${max} (got '${raw}')`);
    }
    return Number(raw);
  }

  /** Seconds, written `90m`, `24h`, `3600s`, `2d` or plain seconds. */
  duration(name: string, fallbackSeconds: number, minSeconds: number, maxSeconds: number): number {
    const raw = this.optional(name);
    if (raw === undefined) return fallbackSeconds;
    const seconds = parseDurationSeconds(raw);
    if (seconds === null || seconds < minSeconds || seconds > maxSeconds) {
      throw new ConfigError(
        name,
        `must be a duration such as 90m, 24h or 3600s, from ${minSeconds} s to ${maxSeconds} s (got '${raw}')`,
      );
    }
    return seconds;
  }

  boolean(name: string, fallback: boolean): boolean {
    const raw = this.optional(name)?.toLowerCase();
    if (raw === undefined) return fallback;
    if (['true', '1', 'yes'].includes(raw)) return true;
    if (['false', '0', 'no'].includes(raw)) return false;
    throw new ConfigError(name, `must be true or false (got '${raw}')`);
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const raw = this.optional(name);
    if (raw === undefined) return fallback;
    if (!allowed.includes(raw as T)) {
      throw new ConfigError(name, `must be one of ${allowed.join(', ')} (got '${raw}')`);
    }
    return raw as T;
  }

  url(name: string, fallback: string, protocols: string[]): string {
    const raw = this.optional(name) ?? fallback;
    let parsed: URL;
    try {
      parsed = new URL(raw);
    } catch {
      throw new ConfigError(name, `must be a URL (got '${raw}')`);
    }
    if (!protocols.includes(parsed.protocol)) {
      throw new ConfigError(name, `must use ${protocols.join(' or ')} (got '${parsed.protocol}')`);
    }
    return raw;
  }

  email(name: string, fallback: string): string {
    const raw = this.optional(name) ?? fallback;
    const address = /<([^>]+)>\s*$/.exec(raw)?.[1] ?? raw;
    if (!/^[^\s@<>]+@[^\s@<>]+$/.test(address)) {
      throw new ConfigError(name, `must be an email address (got '${raw}')`);
    }
    return raw;
  }

  list(name: string): string[] {
    const raw = this.optional(name);
    if (raw === undefined) return [];
    return raw
      .split(',')
      .map((host) => host.trim().toLowerCase())
      .filter((host) => host !== '');
  }

  base64Key(name: string, bytes: number): Buffer | undefined {
    const raw = this.optional(name);
    if (raw === undefined) return undefined;
    const key = Buffer.from(raw, 'base64');
    if (key.length !== bytes || key.toString('base64') !== raw) {
      throw new ConfigError(name, `must be the base64 of exactly ${bytes} bytes`);
    }
    return key;
  }
}
