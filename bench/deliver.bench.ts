import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { getQueueToken } from '@nestjs/bull';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { Queue } from 'bull';
import { performance } from 'node:perf_hooks';
import { Readable } from 'node:stream';
import { createTransport } from 'nodemailer';
import { DataSource } from 'typeorm';
import { AppModule } from 'src/app.module';
import { DeliveryFanOutService } from 'src/modules/delivery/delivery-fan-out.service';
import { ScheduledReport } from 'src/modules/schedules/entities/scheduled-report.entity';
import { STORAGE_DRIVER, StorageDriver } from 'src/modules/storage/storage-driver';
import { DELIVERY_QUEUE } from 'src/queue/queue.constants';
import { freshBenchDatabase, peakRssMb } from './bench-db';
import { startSmtpSink } from './smtp-sink';

// npm run bench:deliver — 1,000 completed executions x 3 email recipients through the delivery
// workers (default concurrency) to a local SMTP server; reference: nodemailer alone, same server.
const EXECUTIONS = Number(process.env.BENCH_EXECUTIONS ?? 1000);
const RECIPIENTS = ['a@bench.example', 'b@bench.example', 'c@bench.example'];
const ORG = '00000000-0000-4000-8000-0000000de11e';
const FILE = Buffer.from('invoice,amount\n' + 'INV-1,100\n'.repeat(200));

async function main(): Promise<void> {
  const inbox = await startSmtpSink();
  const url = await freshBenchDatabase('scheduled_reports_bench_deliver');
  Object.assign(process.env, {
    DATABASE_URL: url,
    REDIS_URL: process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379/7',
    APP_ROLE: 'worker',
    MIGRATIONS_RUN: 'false',
    JWT_SECRET: process.env.JWT_SECRET ?? 'bench-secret-0123456789',
    APP_SECRET: process.env.APP_SECRET ?? 'bench-secret-0123456789',
    SMTP_URL: `smtp://127.0.0.1:${inbox.port}`,
    STORAGE_DIR: process.env.BENCH_STORAGE_DIR ?? '/tmp/scheduled-reports-bench-storage',
  });
  const concurrency = Number(process.env.DELIVERY_CONCURRENCY ?? 10);

  // Reference: nodemailer straight to the same server, as many messages, same concurrency.
  const reference = await sendDirect(inbox.port, EXECUTIONS * RECIPIENTS.length, concurrency);
  inbox.accepted.clear();

  const app = await NestFactory.createApplicationContext(AppModule.forRole('worker'), {
    logger: ['error'],
  });
  const db = app.get<DataSource>(getDataSourceToken());
  const queue = app.get<Queue>(getQueueToken(DELIVERY_QUEUE));
  await queue.obliterate({ force: true });
  const storage = app.get<StorageDriver>(STORAGE_DRIVER);
  const fanOut = app.get(DeliveryFanOutService);
  const { schedule, executionIds } = await seed(db, storage);

  const completedAt = new Map<string, number>();
  const started = performance.now();
  for (const executionId of executionIds) {
    // As the execution.completed subscriber receives it from the outbox.
    const at = performance.now();
    const ids = await fanOut.fanOut({
      id: executionId,
      orgId: ORG,
      type: 'execution.completed',
      subjectId: executionId,
      payload: {
        execution_id: executionId,
        schedule_id: schedule.id,
        rows: 200,
        content_sha256: 'x',
      },
      createdAt: new Date(),
    });
    for (const id of ids) completedAt.set(id, at);
  }
  const total = executionIds.length * RECIPIENTS.length;
  while (inbox.accepted.size < total) await sleep(50);
  const seconds = (performance.now() - started) / 1000;
  const latencies = [...inbox.accepted].map(([id, at]) => at - (completedAt.get(id) ?? at));
  latencies.sort((a, b) => a - b);
  const [{ sent }] = await db.query(
    `SELECT count(*)::int AS sent FROM report_deliveries WHERE status = 'sent'`,
  );

  console.log(`deliveries: ${total} (${EXECUTIONS} executions x ${RECIPIENTS.length} recipients)`);
  console.log(`worker concurrency: ${concurrency}, file ${FILE.length} B attached`);
  console.log(`reference (nodemailer alone): ${(total / reference).toFixed(0)} messages/s`);
  console.log(
    `delivery pipeline: ${(total / seconds).toFixed(0)} messages/s = ${(seconds / reference).toFixed(2)}x the reference time`,
  );
  console.log(
    `latency completion -> SMTP accepted: p50 ${pct(latencies, 0.5)} ms, p95 ${pct(latencies, 0.95)} ms, max ${Math.round(latencies[latencies.length - 1])} ms`,
  );
  console.log(
    `rows marked sent: ${sent} of ${total}; duplicates at the server: ${inbox.duplicates}`,
  );
  console.log(`peak RSS: ${peakRssMb()} MB`);
  await app.close();
  await inbox.close();
}

async function sendDirect(port: number, count: number, concurrency: number): Promise<number> {
  // Pooled like the worker's transport, so the ratio is the pipeline's own cost.
  const transport = createTransport({
    host: '127.0.0.1',
    port,
    secure: false,
    ignoreTLS: true,
    pool: true,
    maxConnections: Math.min(concurrency, 20),
  });
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const i = next++;
        await transport.sendMail({
          from: 'reports@bench.example',
          to: RECIPIENTS[i % RECIPIENTS.length],
          subject: 'Bench report',
          text: 'Your report is attached.',
          messageId: `<ref-${i}@bench.example>`,
          attachments: [{ filename: 'report.csv', content: FILE }],
        });
      }
    }),
  );
  transport.close();
  return (performance.now() - started) / 1000;
}

async function seed(db: DataSource, storage: StorageDriver) {
  await db.query(
    `INSERT INTO organizations (id, name, allowed_email_domains) VALUES ($1, 'Bench', '{bench.example}')`,
    [ORG],
  );
  const [schedule] = await db.query(
    `INSERT INTO scheduled_reports (organization_id, created_by, name, report_type, schedule_config,
       recipients, report_parameters, output_format, status, next_run_at)
     VALUES ($1, 'bench', 'Bench report', 'invoice_summary',
       '{"cadence":"daily","time":"09:00","timezone":"UTC"}', $2, '{}', 'csv', 'paused', NULL)
     RETURNING *`,
    [ORG, JSON.stringify(RECIPIENTS.map((value) => ({ type: 'email', value })))],
  );
  const key = `org/${ORG}/bench/report.csv`;
  await storage.put(key, Readable.from([FILE]), { contentType: 'text/csv' });
  const rows: { id: string }[] = await db.query(
    `INSERT INTO report_executions (organization_id, scheduled_report_id, trigger, scheduled_for,
       status, started_at, completed_at, file_key, file_size, metadata)
     SELECT $1, $2, 'schedule', now() - g * interval '1 day', 'completed', now(), now(), $3, $4,
            jsonb_build_object('rows_generated', 200, 'data_as_of', now())
       FROM generate_series(1, $5) g
     RETURNING id`,
    [ORG, schedule.id, key, FILE.length, EXECUTIONS],
  );
  return {
    schedule: db.getRepository(ScheduledReport).create(schedule as Partial<ScheduledReport>),
    executionIds: rows.map((r) => r.id),
  };
}

function pct(sorted: number[], p: number): number {
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
