import 'reflect-metadata';
import { Client, escapeLiteral } from 'pg';
import QueryStream from 'pg-query-stream';
import { to as copyTo } from 'pg-copy-streams';
import { performance } from 'node:perf_hooks';
import { Readable, Writable } from 'node:stream';
import { pipeline as pipelineAsync } from 'node:stream/promises';
import { seedBillingData } from 'src/modules/billing/seed-billing-data';
import { resolveDateRange } from 'src/modules/generators/date-ranges/resolve-date-range';
import { invoiceSummaryQuery } from 'src/modules/generators/report-data/invoice-summary.query';
import type { ReportQuery } from 'src/modules/generators/report-data/report-query';
import { csvReportWriter } from 'src/modules/generators/writers/csv-report.writer';
import { CsvRowsWriter } from 'src/modules/generators/writers/csv-rows.writer';
import { xlsxReportWriter } from 'src/modules/generators/writers/xlsx-report.writer';
import { freshBenchDatabase } from './bench-db';

// npm run bench:generate — invoice rows of one org (among two) to CSV and styled XLSX, against
// PostgreSQL's own COPY (same query) TO STDOUT (FORMAT csv) measured in the same run.
const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const SMALL = Math.min(100_000, ROWS);
const ORG = '00000000-0000-4000-8000-0000000be4c1';
const OTHER = '00000000-0000-4000-8000-0000000be4c2';

async function main(): Promise<void> {
  const url = await freshBenchDatabase('scheduled_reports_bench_gen');
  const db = new Client({ connectionString: url });
  await db.connect();
  const seedStart = performance.now();
  await seedBillingData(db, { orgId: ORG, invoices: ROWS, usageEvents: 0 });
  await seedBillingData(db, { orgId: OTHER, invoices: ROWS, usageEvents: 0 });
  console.log(
    `seeded 2 × ${ROWS.toLocaleString()} invoices in ${((performance.now() - seedStart) / 1000).toFixed(1)} s`,
  );

  for (const limit of [SMALL, ROWS]) {
    const query = allInvoices(limit);
    const copy = await measure(() => copyReference(db, query));
    const csv = await measure(() => ourCsv(db, query));
    const json2csv = await measure(() => json2csvCsv(db, query));
    const xlsx = await measure(() => ourXlsx(db, query));
    console.log(`\n${limit.toLocaleString()} rows`);
    console.log(
      `  COPY … TO STDOUT (FORMAT csv): ${copy.seconds.toFixed(2)} s (${rate(limit, copy.seconds)} rows/s) — the floor`,
    );
    console.log(
      `  CSV  (array rows + escaper):   ${csv.seconds.toFixed(2)} s (${rate(limit, csv.seconds)} rows/s), ${(csv.seconds / copy.seconds).toFixed(2)}× COPY, peak RSS ${csv.peakMb} MB (target ≤ 1.5×, ≤ 150 MB)`,
    );
    console.log(
      `  CSV  (json2csv, for contrast): ${json2csv.seconds.toFixed(2)} s (${rate(limit, json2csv.seconds)} rows/s), ${(json2csv.seconds / copy.seconds).toFixed(2)}× COPY, peak RSS ${json2csv.peakMb} MB`,
    );
    console.log(
      `  XLSX (exceljs, styled):        ${xlsx.seconds.toFixed(2)} s (${rate(limit, xlsx.seconds)} rows/s), ${(xlsx.seconds / copy.seconds).toFixed(2)}× COPY, peak RSS ${xlsx.peakMb} MB (target ≤ 10×, ≤ 300 MB)`,
    );
  }
  await db.end();
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

async function copyReference(db: Client, query: ReportQuery): Promise<void> {
  // COPY takes no bind parameters: inline them as escaped literals for the reference only.
  const sql = query.sql.replace(/\$(\d+)/g, (_m, n) => literal(query.params[Number(n) - 1]));
  await pipelineAsync(db.query(copyTo(`COPY (${sql}) TO STDOUT (FORMAT csv, HEADER)`)), discard());
}

/** The worker's CSV path: array rows of raw database text through the small escaper. */
async function ourCsv(db: Client, query: ReportQuery): Promise<void> {
  await db.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  const rows = db.query(
    new QueryStream(query.sql, query.params, {
      batchSize: 1000,
      highWaterMark: 1000,
      rowMode: 'array',
      types: { getTypeParser: () => (value: string) => value },
    }),
  );
  await pipelineAsync(rows, new CsvRowsWriter(query.columns), discard());
  await db.query('COMMIT');
}

/** The json2csv writer on typed object rows, for comparison. */
async function json2csvCsv(db: Client, query: ReportQuery): Promise<void> {
  await db.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  const rows = db.query(
    new QueryStream(query.sql, query.params, { batchSize: 1000, highWaterMark: 1000 }),
  );
  await pipelineAsync(rows, csvReportWriter(query.columns), discard());
  await db.query('COMMIT');
}

async function ourXlsx(db: Client, query: ReportQuery): Promise<void> {
  await db.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  const rows = db.query(
    new QueryStream(query.sql, query.params, { batchSize: 1000, highWaterMark: 1000 }),
  );
  const { output, done } = xlsxReportWriter(rows as unknown as Readable, query.columns, {
    title: 'Invoice summary',
    summary: [{ label: 'Rows', value: 'all' }],
  });
  await Promise.all([pipelineAsync(output, discard()), done]);
  await db.query('COMMIT');
}

function literal(value: unknown): string {
  if (value instanceof Date) return `${escapeLiteral(value.toISOString())}::timestamptz`;
  if (Array.isArray(value)) return `ARRAY[${value.map((v) => escapeLiteral(String(v))).join(',')}]`;
  return escapeLiteral(String(value));
}

function discard(): Writable {
  return new Writable({ write: (_chunk, _encoding, done) => done() });
}

async function measure(work: () => Promise<void>): Promise<{ seconds: number; peakMb: number }> {
  global.gc?.();
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
  const start = performance.now();
  try {
    await work();
  } finally {
    clearInterval(sampler);
  }
  return {
    seconds: (performance.now() - start) / 1000,
    peakMb: Math.round(Math.max(peak, process.memoryUsage().rss) / 1048576),
  };
}

const rate = (rows: number, seconds: number) => Math.round(rows / seconds).toLocaleString();

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
