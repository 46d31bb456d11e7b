import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { getQueueToken } from '@nestjs/bull';
import { SchedulerRegistry } from '@nestjs/schedule';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { Queue } from 'bull';
import { performance } from 'node:perf_hooks';
import { DataSource } from 'typeorm';
import { AppModule } from 'src/app.module';
import { SchedulerService } from 'src/modules/scheduler/scheduler.service';
import { GENERATION_QUEUE } from 'src/queue/queue.constants';
import { freshBenchDatabase, peakRssMb } from './bench-db';

// npm run bench:scheduler — 100,000 schedules, 10,000 due: claim, record and enqueue them all.
const TOTAL = 100_000;
const DUE = 10_000;
const ORG = '00000000-0000-4000-8000-0000000be4c0';

async function main(): Promise<void> {
  const url = await freshBenchDatabase('scheduled_reports_bench');
  Object.assign(process.env, {
    DATABASE_URL: url,
    REDIS_URL: process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379/6',
    APP_ROLE: 'scheduler',
    MIGRATIONS_RUN: 'false',
    JWT_SECRET: process.env.JWT_SECRET ?? 'bench-secret-0123456789',
    APP_SECRET: process.env.APP_SECRET ?? 'bench-secret-0123456789',
  });
  const app = await NestFactory.createApplicationContext(AppModule.forRole('scheduler'), {
    logger: ['error'],
  });
  // The bench drives the ticks itself.
  app.get(SchedulerRegistry).getCronJob('scheduler-tick').stop();
  app.get(SchedulerRegistry).deleteInterval('execution-reconciler');
  const db = app.get<DataSource>(getDataSourceToken());
  const queue = app.get<Queue>(getQueueToken(GENERATION_QUEUE));
  await queue.obliterate({ force: true });
  await seed(db);

  // Reference 1: the bare claim of the due rows, in a transaction rolled back.
  const claimStart = performance.now();
  await db
    .transaction(async (m) => {
      await m.query(
        `SELECT id FROM scheduled_reports WHERE id = ANY(ARRAY(
         SELECT id FROM scheduled_reports WHERE status = 'active' AND deleted_at IS NULL AND next_run_at <= now()
         ORDER BY next_run_at LIMIT $1 FOR UPDATE SKIP LOCKED))`,
        [DUE],
      );
      throw new RollbackMarker();
    })
    .catch((e) => {
      if (!(e instanceof RollbackMarker)) throw e;
    });
  const claimSeconds = (performance.now() - claimStart) / 1000;

  // Reference 2: Bull's addBulk of as many bare jobs.
  const addStart = performance.now();
  for (let i = 0; i < DUE; i += 1000) {
    await queue.addBulk(
      Array.from({ length: 1000 }, (_, j) => ({
        name: 'ref',
        data: { i: i + j },
        opts: { jobId: `ref-${i + j}` },
      })),
    );
  }
  const addSeconds = (performance.now() - addStart) / 1000;
  await queue.obliterate({ force: true });

  const scheduler = app.get(SchedulerService);
  const queries = countQueries(db);
  const start = performance.now();
  const result = await scheduler.tick();
  const seconds = (performance.now() - start) / 1000;
  const roundTrips = queries.stop();

  const idle: number[] = [];
  for (let i = 0; i < 20; i += 1) {
    const t0 = performance.now();
    await scheduler.tick();
    idle.push(performance.now() - t0);
  }
  idle.sort((a, b) => a - b);
  const jobs = await queue.getJobCounts();

  console.log(`schedules: ${TOTAL.toLocaleString()} total, ${DUE.toLocaleString()} due`);
  console.log(
    `tick: claimed ${result.claimed}, created ${result.created}, enqueued ${jobs.waiting + jobs.delayed + jobs.active} jobs in ${seconds.toFixed(3)} s (${Math.round(result.created / seconds).toLocaleString()} schedules/s; target ≤ 2 s)`,
  );
  console.log(
    `batches: ${result.batches}, database round trips: ${roundTrips} (${(roundTrips / result.batches).toFixed(1)} per batch)`,
  );
  console.log(
    `reference: bare claim of ${DUE} rows ${claimSeconds.toFixed(3)} s (tick = ${(seconds / claimSeconds).toFixed(1)}× it); Bull addBulk of ${DUE} jobs ${addSeconds.toFixed(3)} s (${Math.round(DUE / addSeconds).toLocaleString()} jobs/s)`,
  );
  console.log(
    `idle tick: median ${idle[10].toFixed(2)} ms, p95 ${idle[18].toFixed(2)} ms (target < 5 ms)`,
  );
  console.log(`peak RSS: ${peakRssMb()} MB`);
  await queue.obliterate({ force: true });
  await app.close();
}

class RollbackMarker extends Error {}

async function seed(db: DataSource): Promise<void> {
  await db.query(
    `INSERT INTO organizations (id, name) VALUES ($1, 'bench') ON CONFLICT DO NOTHING`,
    [ORG],
  );
  await db.query(
    `INSERT INTO scheduled_reports (organization_id, created_by, name, report_type, schedule_config, output_format, next_run_at)
     SELECT $1, 'bench', 'bench ' || g, 'invoice_summary',
            '{"cadence":"daily","time":"09:00","timezone":"America/New_York"}', 'csv',
            CASE WHEN g <= $3 THEN now() - interval '1 minute' - (g || ' milliseconds')::interval
                 ELSE now() + interval '1 day' + (g || ' seconds')::interval END
       FROM generate_series(1, $2) g`,
    [ORG, TOTAL, DUE],
  );
  await db.query('ANALYZE scheduled_reports');
}

/** Counts statements sent to PostgreSQL (a round trip each) until stopped. */
function countQueries(db: DataSource): { stop: () => number } {
  const driver = db.driver as unknown as {
    master: { on: (e: string, f: (c: { query: unknown }) => void) => void };
  };
  let count = 0;
  const clients = new WeakSet<object>();
  const wrap = (client: { query: (...a: unknown[]) => unknown }) => {
    if (clients.has(client)) return;
    clients.add(client);
    const original = client.query.bind(client);
    client.query = (...args: unknown[]) => {
      count += 1;
      return original(...args);
    };
  };
  driver.master.on('acquire', (client) => wrap(client as never));
  return { stop: () => count };
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
