/** Which parts of the service a process runs. */
export type AppRole = 'all' | 'api' | 'scheduler' | 'worker';

/** One key of the ring: its id travels with what it signed, so any key in the ring can verify. */
export interface AppKey {
  id: string;
  secret: string;
}

/** How long the app's PostgreSQL connections may wait, run, idle or stay silent. */
export interface DatabaseLimits {
  /** A statement running longer is cancelled by the server (0: no limit). */
  statementTimeoutMs: number;
  /** A session idle inside a transaction this long is ended by the server (0: no limit). */
  idleInTransactionTimeoutMs: number;
  /** Waiting for a pool connection (or opening one) longer fails instead of queueing forever. */
  acquireTimeoutMs: number;
  /** TCP keepalive starts probing an idle connection after this, so a vanished server is noticed. */
  keepAliveInitialDelayMs: number;
}

/** Typed, validated configuration. Built once at boot from the environment. */
export interface AppConfig {
  /** Which parts this process runs. */
  role: AppRole;
  /** HTTP port: the API, or only /health and /metrics for the scheduler and worker roles. */
  port: number;
  /** PostgreSQL connection string. */
  databaseUrl: string;
  /** Limits on the app's PostgreSQL connections, so a dead server or a stuck query cannot hang a process. */
  database: DatabaseLimits;
  /** Redis connection string for Bull queues and rate limits. */
  redisUrl: string;
  /** Apply pending migrations when the process boots. */
  migrationsRun: boolean;
  jwt: {
    /** HS256 verification secret (dev/test). */
    secret?: string;
    /** PEM public key for RS256/ES256 tokens from a production IdP. */
    publicKey?: string;
    /** Expected `iss`; checked when set, required with a public key. */
    issuer?: string;
    /** Expected `aud`; checked when set, required with a public key. */
    audience?: string;
    /** HS256 accepted next to a public key (JWT_ALLOW_HS256); off, a shared dev secret could mint production tokens. */
    allowHs256: boolean;
    /** Longest accepted token lifetime, `exp - iat`, in seconds (JWT_MAX_AGE). */
    maxAgeSeconds: number;
  };
  /**
   * The key ring for links, unsubscribe tokens and sealed secrets, current key first: the first
   * signs and seals, every key verifies and opens (APP_SECRETS, or APP_SECRET as one key).
   */
  appKeys: AppKey[];
  /** The current (first) key's secret. */
  appSecret: string;
  /** Base of links put into emails, Slack messages and webhooks. */
  publicBaseUrl: string;
  mail: {
    /** Outgoing SMTP server. */
    smtpUrl: string;
    /** From address of every message. */
    from: string;
  };
  storage: {
    /** Where report files live. */
    driver: 'local' | 's3';
    /** Root folder of the local driver. */
    dir: string;
    s3: {
      bucket?: string;
      region?: string;
      endpoint?: string;
      forcePathStyle: boolean;
      /** Multipart upload part size: 5 MiB (the S3 minimum) to 5 GiB. */
      partSizeBytes?: number;
    };
    /** 32-byte master key: report files are encrypted at rest when set. */
    encryptionKey?: Buffer;
  };
  /** Browser used for PDF rendering. */
  chromiumPath?: string;
  /** Slack Web API base URL. */
  slackApiUrl: string;
  /** Hosts exempt from the private-address block on outbound delivery. */
  outboundAllowHosts: string[];
  scheduler: {
    /** A missed slot older than this is skipped, not run late. */
    misfireGraceSeconds: number;
    /** Due schedules claimed per transaction. */
    batchSize: number;
    /** A stored file no execution references is removed by the storage sweeper once this old. */
    storageSweepMinAgeMs: number;
  };
  queue: {
    /** How long a worker's lock on a job lasts; a dead worker's job is retried after it expires. */
    lockDurationMs: number;
    /** Attempts per job, the first included. */
    attempts: number;
    /** First retry delay; doubles each attempt. */
    backoffMs: number;
    /** Generation jobs one worker process runs at once. */
    generationConcurrency: number;
    /** After SIGTERM, how long active jobs may finish before the rest are handed back. */
    shutdownGraceMs: number;
  };
  limits: {
    /** A generation running longer fails (not retried) and leaves no file. */
    generationTimeoutMs: number;
    /** A report with more rows fails (not retried) and leaves no file. */
    maxRows: number;
    /** A PDF shows at most this many rows, then a note pointing to CSV/XLSX. */
    pdfMaxRows: number;
    /** API requests one member may make per minute (0: no limit). */
    requestsPerMinute: number;
  };
  delivery: {
    /** Delivery jobs one worker process runs at once. */
    concurrency: number;
    /** A webhook receiver that has not answered by then is retried. */
    webhookTimeoutMs: number;
    /** A schedule whose last N runs all failed is paused (0 turns this off). */
    autoPauseAfterFailures: number;
  };
  log: {
    /** `json`: one JSON object per line (request, execution and org ids); `text`: Nest's lines. */
    format: 'json' | 'text';
    level: 'debug' | 'info' | 'warn' | 'error';
  };
}
