import 'reflect-metadata';
import Bull from 'bull';
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import { seedBillingData } from 'src/modules/billing/seed-billing-data';
import { GENERATION_QUEUE } from 'src/queue/queue.constants';
import { processTreeMemoryMb } from 'test/utils/process-tree-rss';
import { freshBenchDatabase } from './bench-db';
import { startSmtpSink } from './smtp-sink';

// npm run bench:load — the seed's load targets end to end, on real processes:
//  1. slots:  SCHEDULES schedules due at the same minute, 2 schedulers + 3 workers: claim →
//             enqueue and slot → completed lag, duplicates and losses counted at the peers;
//  2. burst:  BURST generations queued at once, one organization first with half of them:
//             throughput, when each organization's runs finish, peak memory per worker;
//  3. big:    one BIG_ROWS-row CSV report from its slot to the delivered link.
// Figures are rates and ratios measured in this run, never pass/fail timings.
const SCHEDULES = Number(process.env.BENCH_LOAD_SCHEDULES ?? 10_000);
const BURST = Number(process.env.BENCH_LOAD_BURST ?? 1000);
const BIG_ROWS = Number(process.env.BENCH_LOAD_BIG_ROWS ?? 1_000_000);
const PARTS = (process.env.BENCH_LOAD_PARTS ?? 'slots,burst,big').split(',');
const ORGS = 20;
const SCHEDULERS = 2;
const WORKERS = 3;
const ROOT = path.resolve(__dirname, '..');
const STORAGE_DIR = path.join(ROOT, 'var/bench-load-storage');
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379/8';
const OWNER = 'bench-owner';

const orgId = (i: number) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;

type Sink = Awaited<ReturnType<typeof startSmtpSink>>;

interface Service {
  name: string;
  child: ChildProcess;
  peakPssMb: number;
}

async function main(): Promise<void> {
  if (!existsSync(path.join(ROOT, 'dist/main.js'))) {
    execFileSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'inherit' });
  }
  const databaseUrl = await freshBenchDatabase('scheduled_reports_bench_load');
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  const sink = await startSmtpSink();
  rmSync(STORAGE_DIR, { recursive: true, force: true });
  mkdirSync(STORAGE_DIR, { recursive: true });
  const queue = new Bull(GENERATION_QUEUE, REDIS_URL);
  await queue.obliterate({ force: true });
  const enqueuedAt = new Map<string, number>();
  // Bull's own event, from Redis: when each job (id = execution id) became waiting.
  await queue.on('global:waiting', (jobId: string) => enqueuedAt.set(String(jobId), Date.now()));

  await seedOrganizations(db);
  const env = {
    DATABASE_URL: databaseUrl,
    REDIS_URL,
    MIGRATIONS_RUN: 'false',
    JWT_SECRET: 'bench-secret-0123456789abcdef',
    APP_SECRET: 'bench-secret-0123456789abcdef',
    STORAGE_DIR,
    SMTP_URL: `smtp://127.0.0.1:${sink.port}`,
    MAIL_FROM: 'reports@bench.example',
  };
  const services: Service[] = [];
  for (let i = 0; i < SCHEDULERS; i += 1)
    services.push(await start(`scheduler-${i + 1}`, 'scheduler', env, 4100 + i));
  for (let i = 0; i < WORKERS; i += 1)
    services.push(await start(`worker-${i + 1}`, 'worker', env, 4200 + i));
  const sampler = setInterval(() => {
    for (const service of services) {
      if (service.child.pid) {
        service.peakPssMb = Math.max(service.peakPssMb, processTreeMemoryMb(service.child.pid).pss);
      }
    }
  }, 500);

  try {
    if (PARTS.includes('slots')) await slots(db, sink, enqueuedAt);
    if (PARTS.includes('burst')) await burst(db, services);
    if (PARTS.includes('big')) await big(db, sink, databaseUrl);
    console.log('\npeak memory (PSS of each process tree, Chromium included):');
    for (const service of services)
      console.log(`  ${service.name.padEnd(12)} ${service.peakPssMb} MB`);
  } finally {
    clearInterval(sampler);
    for (const service of services) service.child.kill('SIGTERM');
    await queue.close();
    await sink.close();
    await db.end();
  }
}

/** Part 1: every schedule due at the same minute, as at 09:00 on a Monday. */
async function slots(db: Client, sink: Sink, enqueuedAt: Map<string, number>) {
  const slot = nextMinute(25_000);
  const hhmm = slot.toISOString().slice(11, 16);
  await db.query(
    `INSERT INTO scheduled_reports (organization_id, created_by, name, report_type, schedule_config,
                                    recipients, report_parameters, output_format, next_run_at)
     SELECT ('00000000-0000-4000-8000-' || lpad(((n % $1) + 1)::text, 12, '0'))::uuid, $2,
            'Load ' || n, 'invoice_summary',
            jsonb_build_object('cadence', 'daily', 'time', $3::text, 'timezone', 'UTC'),
            jsonb_build_array(jsonb_build_object('type', 'email', 'value', 'load' || n || '@bench.example')),
            '{"date_range": {"preset": "last_7_days"}}', 'csv', $4
       FROM generate_series(1, $5) AS n`,
    [ORGS, OWNER, hhmm, slot, SCHEDULES],
  );
  console.log(
    `\n1. ${SCHEDULES} schedules due at ${slot.toISOString()} (${SCHEDULERS} schedulers, ${WORKERS} workers)`,
  );
  const started = performance.now();
  await waitUntil(
    async () => sink.accepted.size >= SCHEDULES,
    30 * 60_000,
    async () => `${sink.accepted.size}/${SCHEDULES} emails accepted`,
  );
  const wallSeconds = (performance.now() - started) / 1000;

  const runs: {
    id: string;
    created: Date;
    started: Date;
    completed: Date;
    slot: Date;
    file_key: string;
    file_checksum: string;
  }[] = (
    await db.query(
      `SELECT id, created_at AS created, started_at AS started, completed_at AS completed,
              scheduled_for AS slot, file_key, file_checksum
         FROM report_executions WHERE trigger = 'schedule' AND status = 'completed'`,
    )
  ).rows;
  const [{ duplicates, missing }] = (
    await db.query(
      `SELECT (SELECT count(*) FROM (SELECT 1 FROM report_executions WHERE trigger = 'schedule'
                GROUP BY scheduled_report_id, scheduled_for HAVING count(*) > 1) d)::int AS duplicates,
              (SELECT count(*) FROM scheduled_reports s WHERE NOT EXISTS (
                SELECT 1 FROM report_executions e WHERE e.scheduled_report_id = s.id
                   AND e.trigger = 'schedule' AND e.status = 'completed'))::int AS missing`,
    )
  ).rows;
  const claimToEnqueue = runs
    .map((run) => (enqueuedAt.get(run.id) ?? NaN) - run.created.getTime())
    .filter((ms) => !Number.isNaN(ms));
  const slotToCompleted = runs.map((run) => run.completed.getTime() - run.slot.getTime());
  const slotToStarted = runs.map((run) => run.started.getTime() - run.slot.getTime());
  const badFiles = await filesNotMatching(runs);
  const perRecipient = new Map<string, number>();
  for (const to of [...sink.recipients.values()].flat())
    perRecipient.set(to, (perRecipient.get(to) ?? 0) + 1);

  console.log(
    `   completed ${runs.length} runs in ${wallSeconds.toFixed(1)} s: ${(runs.length / wallSeconds).toFixed(1)} runs/s`,
  );
  console.log(
    `   claim → enqueued (Bull's event) ${quantiles(claimToEnqueue)} (${claimToEnqueue.length} observed)`,
  );
  console.log(`   slot → started   ${quantiles(slotToStarted)}`);
  console.log(`   slot → completed ${quantiles(slotToCompleted)}`);
  console.log(
    `   ledger: ${duplicates} slots with two executions, ${missing} schedules without a completed run; ` +
      `files: ${runs.length - badFiles} of ${runs.length} match their checksum; ` +
      `SMTP: ${sink.accepted.size} Message-IDs, ${sink.duplicates} repeated, ` +
      `${[...perRecipient.values()].filter((n) => n > 1).length} recipients mailed twice`,
  );
}

/** Part 2: BURST runs queued at once, the big organization's half first (the FIFO worst case). */
async function burst(db: Client, services: Service[]) {
  const big = Math.floor(BURST / 2);
  const rows: { id: string; organization_id: string }[] = (
    await db.query(
      `WITH s AS (
         INSERT INTO scheduled_reports (organization_id, created_by, name, report_type, schedule_config,
                                        recipients, report_parameters, output_format, status)
         SELECT CASE WHEN n <= $2 THEN $3::uuid
                     ELSE ('00000000-0000-4000-8000-' || lpad((2 + (n % ($4 - 1)))::text, 12, '0'))::uuid END,
                $5, 'Burst ' || n, 'invoice_summary',
                '{"cadence": "daily", "time": "03:00", "timezone": "UTC"}',
                '[{"type": "email", "value": "burst@bench.example"}]',
                '{"date_range": {"preset": "last_7_days"}}', 'csv', 'paused'
           FROM generate_series(1, $1) AS n
         RETURNING id, organization_id, name)
       INSERT INTO report_executions (organization_id, scheduled_report_id, trigger, scheduled_for, status)
       SELECT organization_id, id, 'manual', now(), 'pending' FROM s ORDER BY (substr(name, 7))::int
       RETURNING id, organization_id`,
      [BURST, big, orgId(1), ORGS, OWNER],
    )
  ).rows;
  console.log(
    `\n2. ${BURST} generations due at once (${big} from one organization, created first), dispatched fairly`,
  );
  // No job is added here: the runs wait in the table, as scheduled runs do, and the
  // dispatcher queues each organization's up to its max_concurrent_generations in turn.
  const t0 = Date.now();
  const ids = rows.map((row) => row.id);
  await waitUntil(
    async () =>
      (
        await db.query(
          `SELECT count(*)::int AS n FROM report_executions WHERE id = ANY($1) AND status IN ('completed', 'failed')`,
          [ids],
        )
      ).rows[0].n === BURST,
    30 * 60_000,
    async () => 'burst still running',
  );
  const done: { organization_id: string; completed: Date }[] = (
    await db.query(
      `SELECT organization_id, completed_at AS completed FROM report_executions WHERE id = ANY($1)`,
      [ids],
    )
  ).rows;
  const seconds = (Math.max(...done.map((d) => d.completed.getTime())) - t0) / 1000;
  const bigOrg = done
    .filter((d) => d.organization_id === orgId(1))
    .map((d) => d.completed.getTime() - t0);
  const others = done.filter((d) => d.organization_id !== orgId(1));
  const firstOfEach = new Map<string, number>();
  for (const d of others) {
    const at = d.completed.getTime() - t0;
    firstOfEach.set(
      d.organization_id,
      Math.min(firstOfEach.get(d.organization_id) ?? Infinity, at),
    );
  }
  console.log(
    `   ${BURST} runs in ${seconds.toFixed(1)} s: ${(BURST / seconds).toFixed(1)} runs/s`,
  );
  console.log(`   the big organization's runs completed at ${quantiles(bigOrg)} after queueing`);
  console.log(
    `   the other ${ORGS - 1} organizations' runs at ${quantiles(others.map((d) => d.completed.getTime() - t0))}`,
  );
  console.log(`   first run of each other organization at ${quantiles([...firstOfEach.values()])}`);
  const workers = services.filter((s) => s.name.startsWith('worker'));
  console.log(
    `   peak memory per worker so far: ${workers.map((w) => `${w.peakPssMb} MB`).join(', ')}`,
  );
}

/** Part 3: one big report from its slot to the delivered link (too big to attach). */
async function big(db: Client, sink: Sink, databaseUrl: string) {
  const org = orgId(ORGS + 1);
  await db.query(
    `INSERT INTO organizations (id, name, allowed_email_domains) VALUES ($1, 'Big', '{bench.example}')`,
    [org],
  );
  await db.query(
    `INSERT INTO members (organization_id, user_id, email, roles, permissions)
     VALUES ($1, $2, 'owner@bench.example', '{editor}', '{billing:read}')`,
    [org, OWNER],
  );
  const seedStart = performance.now();
  await seedBillingData(db, { orgId: org, invoices: BIG_ROWS, usageEvents: 0, customers: 1000 });
  console.log(
    `\n3. one ${BIG_ROWS}-row CSV report end to end (seeded in ${((performance.now() - seedStart) / 1000).toFixed(0)} s)`,
  );
  const copyStart = performance.now();
  // The reference: PostgreSQL alone writing the same invoices as CSV.
  execFileSync('psql', [
    databaseUrl,
    '-qAt',
    '-o',
    '/dev/null',
    '-c',
    `COPY (SELECT * FROM invoices WHERE organization_id = '${org}') TO STDOUT CSV HEADER`,
  ]);
  const copySeconds = (performance.now() - copyStart) / 1000;
  const slot = nextMinute(5_000);
  const [{ id }] = (
    await db.query(
      `INSERT INTO scheduled_reports (organization_id, created_by, name, report_type, schedule_config,
                                      recipients, report_parameters, output_format, next_run_at)
       VALUES ($1, $2, 'Everything', 'invoice_summary',
               jsonb_build_object('cadence', 'daily', 'time', $3::text, 'timezone', 'UTC'),
               '[{"type": "email", "value": "big@bench.example"}]',
               '{"date_range": {"preset": "custom", "from": "2000-01-01", "to": "2100-01-01"}}', 'csv', $4)
       RETURNING id`,
      [org, OWNER, slot.toISOString().slice(11, 16), slot],
    )
  ).rows;
  // Delivered when the peer has it and the ledger says so.
  const delivered = async () =>
    [...sink.recipients.values()].some((to) => to.includes('big@bench.example')) &&
    (
      await db.query(
        `SELECT 1 FROM report_deliveries d JOIN report_executions e ON e.id = d.report_execution_id
          WHERE e.scheduled_report_id = $1 AND d.status = 'sent'`,
        [id],
      )
    ).rowCount === 1;
  await waitUntil(delivered, 30 * 60_000, async () => 'big report not delivered yet');
  const [run] = (
    await db.query(
      `SELECT e.scheduled_for, e.started_at, e.completed_at, e.file_size, e.metadata->>'rows_generated' AS rows,
              d.delivered_at, d.metadata
         FROM report_executions e JOIN report_deliveries d ON d.report_execution_id = e.id
        WHERE e.scheduled_report_id = $1`,
      [id],
    )
  ).rows;
  const generate = (run.completed_at - run.started_at) / 1000;
  console.log(
    `   ${run.rows} rows, ${(run.file_size / 2 ** 20).toFixed(0)} MiB: slot → started ${((run.started_at - run.scheduled_for) / 1000).toFixed(1)} s, ` +
      `generation ${generate.toFixed(1)} s (${(generate / copySeconds).toFixed(2)}× PostgreSQL's COPY of the invoices, ` +
      `${copySeconds.toFixed(1)} s), completed → delivered ${((run.delivered_at - run.completed_at) / 1000).toFixed(1)} s`,
  );
}

async function seedOrganizations(db: Client): Promise<void> {
  for (let i = 1; i <= ORGS; i += 1) {
    await db.query(
      `INSERT INTO organizations (id, name, allowed_email_domains, max_active_schedules)
       VALUES ($1, $2, '{bench.example}', 1000000)`,
      [orgId(i), `Load org ${i}`],
    );
    await db.query(
      `INSERT INTO members (organization_id, user_id, email, roles, permissions)
       VALUES ($1, $2, 'owner@bench.example', '{editor}', '{billing:read}')`,
      [orgId(i), OWNER],
    );
    await seedBillingData(db, { orgId: orgId(i), invoices: 200, usageEvents: 0, customers: 20 });
  }
}

async function start(
  name: string,
  role: string,
  env: Record<string, string>,
  port: number,
): Promise<Service> {
  const child = spawn(process.execPath, ['dist/main.js'], {
    cwd: ROOT,
    env: { ...process.env, ...env, APP_ROLE: role, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
    if (output.length > 20_000) output = output.slice(-10_000);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  await waitUntil(
    async () => output.includes(`role ${role}`),
    60_000,
    async () => `${name} did not start:\n${output}`,
  );
  return { name, child, peakPssMb: 0 };
}

async function filesNotMatching(
  runs: { file_key: string; file_checksum: string }[],
): Promise<number> {
  let bad = 0;
  for (const run of runs) {
    const file = path.join(STORAGE_DIR, run.file_key);
    if (!existsSync(file) || (await sha256(file)) !== run.file_checksum) bad += 1;
  }
  return bad;
}

function sha256(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(file)
      .on('data', (chunk) => hash.update(chunk))
      .on('end', () => resolve(hash.digest('hex')))
      .on('error', reject);
  });
}

function quantiles(ms: number[]): string {
  if (ms.length === 0) return 'n/a';
  const sorted = [...ms].sort((a, b) => a - b);
  const at = (q: number) =>
    (sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] / 1000).toFixed(2);
  return `p50 ${at(0.5)} s, p95 ${at(0.95)} s, p99 ${at(0.99)} s, max ${at(1)} s`;
}

function nextMinute(atLeastMs: number): Date {
  const at = new Date(Date.now() + atLeastMs);
  at.setUTCSeconds(0, 0);
  at.setUTCMinutes(at.getUTCMinutes() + 1);
  return at;
}

async function waitUntil(
  done: () => Promise<boolean>,
  timeoutMs: number,
  status: () => Promise<string>,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastReport = Date.now();
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`timed out: ${await status()}`);
    if (Date.now() - lastReport > 15_000) {
      console.log(`   … ${await status()}`);
      lastReport = Date.now();
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
