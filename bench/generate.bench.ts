import 'reflect-metadata';
import { Client } from 'pg';
import { loadavg as osLoadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { DataSource } from 'typeorm';
import type { AppConfigService } from 'src/config/app-config.service';
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
// 5,000 and 50,000 rows to PDF with Chromium's peak RSS. BENCH_PDF=0 skips the PDFs.
const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const SMALL = Math.min(100_000, ROWS);
const PDF_ROWS = process.env.BENCH_PDF === '0' ? [] : [5_000, 50_000];
const ORG = '00000000-0000-4000-8000-0000000be4c1';
const OTHER = '00000000-0000-4000-8000-0000000be4c2';

async function main(): Promise<void> {
  const url = await freshBenchDatabase('scheduled_reports_bench_gen');
  const db = new Client({ connectionString: url });
  await db.connect();
  const dataSource = await new DataSource(dataSourceOptions(url)).initialize();
  const seedStart = performance.now();
  await seedBillingData(db, { orgId: ORG, invoices: ROWS, usageEvents: 0 });
  await seedBillingData(db, { orgId: OTHER, invoices: ROWS, usageEvents: 0 });
  // Hint bits set and statistics fresh, so the first measurement does not pay for the seed.
  await db.query('VACUUM ANALYZE invoices, customers');
  console.log(
    `seeded 2 × ${ROWS.toLocaleString()} invoices in ${((performance.now() - seedStart) / 1000).toFixed(1)} s; load ${loadavg()}`,
  );

  for (const limit of [...new Set([SMALL, ROWS])]) {
    const query = allInvoices(limit);
    const copy = await measure(() => copyReference(db, query));
    const csv = await measure(() => workerCsv(dataSource, query));
    const json2csv = limit === SMALL ? await measure(() => json2csvCsv(db, query)) : undefined;
    const xlsx = await measure(() => workerXlsx(dataSource, query));
    const line = (name: string, m: typeof copy, target: string) =>
      console.log(
        `  ${name.padEnd(31)} ${m.seconds.toFixed(2)} s (${rate(limit, m.seconds)} rows/s), ${(m.seconds / copy.seconds).toFixed(2)}× COPY, peak RSS ${m.peakMb} MB (from ${m.startMb} MB)${target}`,
      );
    console.log(`\n${limit.toLocaleString()} rows (load ${loadavg()})`);
    console.log(
      `  COPY … TO STDOUT (FORMAT csv):  ${copy.seconds.toFixed(2)} s (${rate(limit, copy.seconds)} rows/s) — the floor`,
    );
    line('CSV  (worker: COPY, SQL-side):', csv, ' (target ≤ 1.5×, ≤ 150 MB)');
    if (json2csv) line('CSV  (json2csv, for contrast):', json2csv, '');
    line('XLSX (exceljs, styled):', xlsx, ' (target ≤ 10×, ≤ 300 MB)');
  }

  if (PDF_ROWS.length > 0) {
    const browsers = new BrowserPool({
      values: { chromiumPath: process.env.CHROMIUM_PATH },
    } as AppConfigService);
    const browser = await browsers.getBrowser(); // warm, as in a running worker
    console.log('');
    for (const limit of PDF_ROWS) {
      const stopChromium = sampleTreeMemory(browser.process()?.pid ?? -1, 200);
      const pdf = await measure(() => workerPdf(dataSource, allInvoices(limit), browsers));
      const chromium = stopChromium();
      console.log(
        `PDF ${limit.toLocaleString()} rows: ${pdf.seconds.toFixed(2)} s (${rate(limit, pdf.seconds)} rows/s), worker peak RSS ${pdf.peakMb} MB, Chromium peak RSS ${chromium.rss} MB summed over its processes (PSS ${chromium.pss} MB; load ${loadavg()})`,
      );
    }
    await browsers.onModuleDestroy();
  }
  await dataSource.destroy();
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

const rate = (rows: number, seconds: number) => Math.round(rows / seconds).toLocaleString();
const loadavg = () =>
  osLoadavg()
    .map((n) => n.toFixed(2))
    .join(' ');

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
