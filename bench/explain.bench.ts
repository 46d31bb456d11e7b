import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { SchedulerRegistry } from '@nestjs/schedule';
import { getDataSourceToken } from '@nestjs/typeorm';
import { performance } from 'node:perf_hooks';
import { DataSource, Logger as TypeOrmLogger } from 'typeorm';
import { AppModule } from 'src/app.module';
import { DeliveryReconcilerService } from 'src/modules/delivery/delivery-reconciler.service';
import { MetricsService } from 'src/modules/metrics/metrics.service';
import { ExecutionReconcilerService } from 'src/modules/scheduler/execution-reconciler.service';
import { HistoryRetentionService } from 'src/modules/scheduler/history-retention.service';
import { RetentionService } from 'src/modules/scheduler/retention.service';
import { SchedulerService } from 'src/modules/scheduler/scheduler.service';
import { freshBenchDatabase } from './bench-db';

// npm run bench:explain — the background jobs' and the metrics' queries against 10M runs: each
// query the code really sends (captured as it runs) is EXPLAIN ANALYZEd, and any sequential
// scan of a big table is named. BENCH_EXPLAIN_RUNS sets the table size.
const RUNS = Number(process.env.BENCH_EXPLAIN_RUNS ?? 10_000_000);
const ORGS = 100;
const SCHEDULES = 10_000;
const BIG_TABLES = [
  'report_executions',
  'report_deliveries',
  'notices',
  'audit_logs',
  'outbox_events',
];

interface Captured {
  label: string;
  sql: string;
  parameters: unknown[];
}

async function main(): Promise<void> {
  const url = await freshBenchDatabase('scheduled_reports_bench_explain');
  Object.assign(process.env, {
    DATABASE_URL: url,
    REDIS_URL: process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379/9',
    APP_ROLE: 'all',
    MIGRATIONS_RUN: 'false',
    JWT_SECRET: 'bench-secret-0123456789abcdef',
    APP_SECRET: 'bench-secret-0123456789abcdef',
  });
  const app = await NestFactory.createApplicationContext(AppModule.forRole('all'), {
    logger: ['error'],
  });
  const registry = app.get(SchedulerRegistry);
  for (const job of registry.getCronJobs().values()) void job.stop();
  for (const name of registry.getIntervals()) registry.deleteInterval(name);
  const db = app.get<DataSource>(getDataSourceToken());

  const seedStart = performance.now();
  await seed(db);
  console.log(
    `seeded ${RUNS.toLocaleString()} runs in ${((performance.now() - seedStart) / 1000).toFixed(0)} s`,
  );

  const captured: Captured[] = [];
  let label = '';
  capture(db, (sql, parameters) => captured.push({ label, sql, parameters }));
  const jobs: [string, () => Promise<unknown>][] = [
    ['scheduler tick', () => app.get(SchedulerService).tick()],
    ['execution reconciler', () => app.get(ExecutionReconcilerService).reconcile()],
    ['delivery reconciler', () => app.get(DeliveryReconcilerService).reconcile()],
    ['file retention', () => app.get(RetentionService).run()],
    ['history retention', () => app.get(HistoryRetentionService).run()],
    ['metrics scrape', () => app.get(MetricsService).render()],
  ];
  for (const [name, job] of jobs) {
    label = name;
    await job().catch((error) => console.log(`${name}: ${(error as Error).message}`));
  }
  capture(db, () => undefined);

  console.log('\njob                   ms      plan (sequential scans of big tables flagged)');
  const seen = new Set<string>();
  for (const query of captured) {
    if (seen.has(query.sql) || /^(START|COMMIT|ROLLBACK|SELECT set_config)/i.test(query.sql.trim()))
      continue;
    seen.add(query.sql);
    const plan = await explain(db, query);
    const scans = seqScans(plan.Plan).filter((table) => BIG_TABLES.includes(table));
    console.log(
      `${query.label.padEnd(20)} ${plan['Execution Time'].toFixed(1).padStart(8)}  ${summary(plan.Plan)}` +
        (scans.length ? `  ⚠ seq scan: ${scans.join(', ')}` : ''),
    );
    console.log(`${' '.repeat(31)}${oneLine(query.sql).slice(0, 110)}`);
  }
  await app.close();
}

/** ORGS organizations, SCHEDULES schedules, RUNS finished runs over ~400 days, recent deliveries. */
async function seed(db: DataSource): Promise<void> {
  await db.query(
    `INSERT INTO organizations (id, name) SELECT gen_random_uuid(), 'Org ' || n FROM generate_series(1, $1) n`,
    [ORGS],
  );
  await db.query(
    `INSERT INTO scheduled_reports (organization_id, created_by, name, report_type, schedule_config,
                                    recipients, output_format, next_run_at)
     SELECT o.id, 'owner', 'Schedule ' || n, 'invoice_summary',
            '{"cadence": "daily", "time": "09:00", "timezone": "UTC"}',
            '[{"type": "email", "value": "a@example.com"}]', 'csv', now() + interval '1 day'
       FROM generate_series(1, $1) n
       JOIN (SELECT id, row_number() OVER () - 1 AS k FROM organizations) o ON o.k = n % $2`,
    [SCHEDULES, ORGS],
  );
  const perSchedule = Math.ceil(RUNS / SCHEDULES);
  const spacingHours = Math.max(1, Math.floor((400 * 24) / perSchedule));
  // In chunks, so one statement never holds the whole table in memory.
  for (let from = 0; from < perSchedule; from += 50) {
    const to = Math.min(perSchedule, from + 50) - 1;
    await db.query(
      `INSERT INTO report_executions (organization_id, scheduled_report_id, trigger, scheduled_for,
                                      status, created_at, started_at, completed_at, execution_time_ms,
                                      file_key, file_expired_at, metadata)
       SELECT s.organization_id, s.id, 'schedule', slot,
              CASE WHEN k % 100 = 0 THEN 'failed' ELSE 'completed' END,
              slot, slot + interval '1 second', slot + interval '5 seconds', 4000,
              'org/' || s.organization_id || '/executions/' || gen_random_uuid() || '.csv',
              CASE WHEN slot < now() - interval '90 days' THEN slot + interval '90 days' END,
              '{"rows_generated": 100}'
         FROM scheduled_reports s,
              generate_series($1::int, $2::int) k,
              LATERAL (SELECT date_trunc('hour', now()) - make_interval(hours => (k + 1) * $3) AS slot) t`,
      [from, to, spacingHours],
    );
  }
  await db.query(
    `INSERT INTO report_deliveries (organization_id, report_execution_id, recipient_type, recipient_value,
                                    status, delivered_at, created_at)
     SELECT organization_id, id, 'email', 'a@example.com', 'sent', completed_at + interval '2 seconds', completed_at
       FROM report_executions WHERE created_at > now() - interval '100 days'`,
  );
  await db.query(
    `INSERT INTO audit_logs (organization_id, actor, action, resource_type, resource_id, created_at)
     SELECT organization_id, 'owner', 'report.downloaded', 'report_execution', id, created_at
       FROM report_executions TABLESAMPLE SYSTEM (10)`,
  );
  await db.query(
    `INSERT INTO notices (organization_id, kind, subject_id, scheduled_report_id, status, created_at)
     SELECT organization_id, 'execution_failed', id, scheduled_report_id, 'sent', created_at
       FROM report_executions WHERE status = 'failed'`,
  );
  await db.query(
    `INSERT INTO outbox_events (organization_id, type, subject_id, dispatched_at, created_at)
     SELECT organization_id, 'execution.completed', id, completed_at, completed_at
       FROM report_executions WHERE created_at > now() - interval '30 days'`,
  );
  await db.query(`ANALYZE`);
}

/** Routes every query the app sends to `onQuery` (TypeORM asks its logger about each one). */
function capture(db: DataSource, onQuery: (sql: string, parameters: unknown[]) => void): void {
  const logger: TypeOrmLogger = {
    logQuery: (sql, parameters) => onQuery(sql, parameters ?? []),
    logQueryError: () => undefined,
    logQuerySlow: () => undefined,
    logSchemaBuild: () => undefined,
    logMigration: () => undefined,
    log: () => undefined,
  };
  Object.assign(db, { logger });
}

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Actual Rows'?: number;
  Plans?: PlanNode[];
}

/** EXPLAIN ANALYZE inside a transaction that is rolled back: a DELETE explained deletes nothing. */
async function explain(
  db: DataSource,
  query: Captured,
): Promise<{ Plan: PlanNode; 'Execution Time': number }> {
  const runner = db.createQueryRunner();
  await runner.connect();
  try {
    await runner.startTransaction();
    const [row] = await runner.query(
      `EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${query.sql}`,
      query.parameters,
    );
    return row['QUERY PLAN'][0];
  } finally {
    await runner.rollbackTransaction().catch(() => undefined);
    await runner.release();
  }
}

function seqScans(node: PlanNode): string[] {
  const own =
    node['Node Type'] === 'Seq Scan' && node['Relation Name'] ? [node['Relation Name']] : [];
  return [...own, ...(node.Plans ?? []).flatMap(seqScans)];
}

function summary(node: PlanNode): string {
  const parts: string[] = [];
  const walk = (n: PlanNode) => {
    if (n['Relation Name']) {
      parts.push(
        `${n['Node Type']}${n['Index Name'] ? ` ${n['Index Name']}` : ''} on ${n['Relation Name']}`,
      );
    }
    (n.Plans ?? []).forEach(walk);
  };
  walk(node);
  return parts.length ? parts.join('; ') : node['Node Type'];
}

function oneLine(sql: string): string {
  return sql.replace(/\s+/g, ' ').trim();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
