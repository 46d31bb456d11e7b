import 'reflect-metadata';
import { Client } from 'pg';
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { loadavg as osLoadavg } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { DataSource } from 'typeorm';
import type { AppConfigService } from 'src/config/app-config.service';
import { databaseUrlFromEnv } from 'src/config/database-url';
import { dataSourceOptions } from 'src/database/data-source-options';
import { seedBillingData } from 'src/modules/billing/seed-billing-data';
import { resolveDateRange } from 'src/modules/generators/date-ranges/resolve-date-range';
import { BrowserPool } from 'src/modules/generators/pdf/browser-pool';
import { invoiceSummaryQuery } from 'src/modules/generators/report-data/invoice-summary.query';
import type { ReportQuery } from 'src/modules/generators/report-data/report-query';
import { freshBenchDatabase } from './bench-db';
import {
  copyReference,
  json2csvCsv,
  measure,
  workerCsv,
  workerPdf,
  workerXlsx,
} from './generate-paths';
import { sampleTreeMemory } from 'test/utils/process-tree-rss';

// npm run bench:generate — invoice rows of one org (among two) to CSV and styled XLSX, against
// PostgreSQL's own COPY (same query) TO STDOUT (FORMAT csv) measured in the same run, then
// 5,000 and 50,000 rows to PDF, each against COPY of as many rows, with the worker's and
// Chromium's peak memory. BENCH_PDF=0 skips the PDFs. BENCH_DATABASE names the bench database.
// BENCH_TS_NODE=1 runs the measurements under ts-node instead of compiled JavaScript.
const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const SMALL = Math.min(100_000, ROWS);
const PDF_ROWS = process.env.BENCH_PDF === '0' ? [] : [5_000, 50_000];
const ORG = '00000000-0000-4000-8000-0000000be4c1';
const OTHER = '00000000-0000-4000-8000-0000000be4c2';
const DATABASE = process.env.BENCH_DATABASE ?? 'scheduled_reports_bench_gen';
/*
 * A worker runs compiled JavaScript; under ts-node a child holds ~60 MB more before it starts
 * (TypeScript itself), which would count against the RSS targets. So the children run this file
 * compiled by tsc (bench/tsconfig.bench.json), `src/...` resolved through NODE_PATH.
 */
const TS_NODE = process.env.BENCH_TS_NODE === '1';
const COMPILED_ROOT = path.join(__dirname, '..', 'var', 'bench-dist');

type Kind = 'copy' | 'csv' | 'json2csv' | 'xlsx' | 'pdf';
interface Measured {
  seconds: number;
  peakMb: number;
  startMb: number;
  chromium?: { rss: number; pss: number };
}

/*
 * Each measurement runs in a process of its own, so a path's peak RSS is its own and not what an
 * earlier one (or the seed) left in the heap. BENCH_SEED=0 reuses the last run's database.
 */
async function main(): Promise<void> {
  if (!TS_NODE) {
    execFileSync(
      process.execPath,
      [require.resolve('typescript/bin/tsc'), '-p', path.join(__dirname, 'tsconfig.bench.json')],
      { stdio: 'inherit' },
    );
  }
  console.log(
    `measuring in child processes running ${TS_NODE ? 'ts-node' : 'compiled JavaScript'}`,
  );
  const url =
    process.env.BENCH_SEED === '0'
      ? databaseUrlFromEnv().replace(/\/[^/]*$/, `/${DATABASE}`)
      : await seed();
  for (const limit of [...new Set([SMALL, ROWS])]) {
    const copy = await inChild(url, 'copy', limit);
    const csv = await inChild(url, 'csv', limit);
    const json2csv = limit === SMALL ? await inChild(url, 'json2csv', limit) : undefined;
    const xlsx = await inChild(url, 'xlsx', limit);
    const line = (name: string, m: Measured, target: string) =>
      console.log(
        `  ${name.padEnd(31)} ${m.seconds.toFixed(2)} s (${rate(limit, m.seconds)} rows/s), ${(m.seconds / copy.seconds).toFixed(2)}× COPY, peak RSS ${m.peakMb} MB (${m.startMb} MB before)${target}`,
      );
    console.log(`\n${limit.toLocaleString()} rows (load ${loadavg()})`);
    console.log(
      `  COPY … TO STDOUT (FORMAT csv):  ${copy.seconds.toFixed(2)} s (${rate(limit, copy.seconds)} rows/s) — the floor`,
    );
    line('CSV  (worker: COPY, SQL-side):', csv, ' (target ≤ 1.5×, ≤ 150 MB)');
    if (json2csv) line('CSV  (json2csv, for contrast):', json2csv, '');
    line('XLSX (exceljs, styled):', xlsx, ' (target ≤ 10×, ≤ 300 MB)');
  }
  if (PDF_ROWS.length > 0) console.log('');
  for (const limit of PDF_ROWS) {
    const copy = await inChild(url, 'copy', limit);
    const pdf = await inChild(url, 'pdf', limit);
    console.log(
      `PDF ${limit.toLocaleString()} rows: ${pdf.seconds.toFixed(2)} s (${rate(limit, pdf.seconds)} rows/s), ${(pdf.seconds / copy.seconds).toFixed(1)}× COPY (${copy.seconds.toFixed(2)} s), worker peak RSS ${pdf.peakMb} MB (${pdf.startMb} MB before), Chromium peak RSS ${pdf.chromium?.rss} MB summed over its processes (PSS ${pdf.chromium?.pss} MB; load ${loadavg()})`,
    );
  }
}

async function seed(): Promise<string> {
  const url = await freshBenchDatabase(DATABASE);
  const db = new Client({ connectionString: url });
  await db.connect();
  const started = performance.now();
  await seedBillingData(db, { orgId: ORG, invoices: ROWS, usageEvents: 0 });
  await seedBillingData(db, { orgId: OTHER, invoices: ROWS, usageEvents: 0 });
  // Hint bits set and statistics fresh, so the first measurement does not pay for the seed.
  await db.query('VACUUM ANALYZE invoices, customers');
  await db.end();
  console.log(
    `seeded 2 × ${ROWS.toLocaleString()} invoices in ${((performance.now() - started) / 1000).toFixed(1)} s; load ${loadavg()}`,
  );
  return url;
}

async function inChild(url: string, kind: Kind, limit: number): Promise<Measured> {
  const env = { ...process.env, BENCH_CHILD: JSON.stringify({ url, kind, limit }) };
  const child = TS_NODE
    ? spawn(
        process.execPath,
        ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', __filename],
        { env },
      )
    : spawn(process.execPath, [path.join(COMPILED_ROOT, 'bench', 'generate.bench.js')], {
        env: { ...env, NODE_PATH: COMPILED_ROOT },
      });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.pipe(process.stderr);
  const [code] = (await once(child, 'close')) as [number];
  const result = out.split('\n').find((line) => line.startsWith('{'));
  if (code !== 0 || !result) throw new Error(`${kind} ${limit} failed (exit ${code}): ${out}`);
  return JSON.parse(result) as Measured;
}

/** One measurement, in this (child) process; prints its result as one JSON line. */
async function measureOne(url: string, kind: Kind, limit: number): Promise<void> {
  const query = allInvoices(limit);
  const db = new Client({ connectionString: url });
  await db.connect();
  const dataSource = await new DataSource(dataSourceOptions(url)).initialize();
  let result: Measured;
  if (kind === 'pdf') {
    const browsers = new BrowserPool({
      values: { chromiumPath: process.env.CHROMIUM_PATH },
    } as AppConfigService);
    // Warm, as in a worker that has printed before: the first print of a browser pays its start.
    await browsers.renderPdf('<p>warm</p>', {});
    const browser = await browsers.getBrowser();
    const stopChromium = sampleTreeMemory(browser.process()?.pid ?? -1, 200);
    result = await measure(() => workerPdf(dataSource, query, browsers));
    result.chromium = stopChromium();
    await browsers.onModuleDestroy();
  } else {
    const paths: Record<Exclude<Kind, 'pdf'>, () => Promise<void>> = {
      copy: () => copyReference(db, query),
      csv: () => workerCsv(dataSource, query),
      json2csv: () => json2csvCsv(db, query),
      xlsx: () => workerXlsx(dataSource, query),
    };
    result = await measure(paths[kind]);
  }
  await dataSource.destroy();
  await db.end();
  console.log(JSON.stringify(result));
}

/** The invoice_summary query over all of the org's invoices, limited to `limit` rows. */
function allInvoices(limit: number): ReportQuery {
  const range = resolveDateRange(
    { preset: 'custom', from: '2000-01-01', to: '2000-12-31' },
    new Date(),
    'UTC',
  );
  const query = invoiceSummaryQuery({
    orgId: ORG,
    params: { sort_by: 'issued_at', sort_direction: 'asc' },
    range: {
      ...range,
      fromInstant: new Date('2000-01-01T00:00:00Z'),
      toInstantExclusive: new Date('2100-01-01T00:00:00Z'),
    },
    runAt: new Date(),
    timezone: 'UTC',
  });
  return { ...query, sql: `${query.sql} LIMIT ${Math.floor(limit)}` };
}

const rate = (rows: number, seconds: number) => Math.round(rows / seconds).toLocaleString();
const loadavg = () =>
  osLoadavg()
    .map((n) => n.toFixed(2))
    .join(' ');

const child = process.env.BENCH_CHILD
  ? (JSON.parse(process.env.BENCH_CHILD) as { url: string; kind: Kind; limit: number })
  : undefined;
(child ? measureOne(child.url, child.kind, child.limit) : main()).catch((error) => {
  console.error(error);
  process.exit(1);
});
