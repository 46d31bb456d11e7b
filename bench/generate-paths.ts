import type { Client } from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import QueryStream from 'pg-query-stream';
import { performance } from 'node:perf_hooks';
import { pipeline as pipe, Readable, Writable } from 'node:stream';
import { pipeline as pipelineAsync } from 'node:stream/promises';
import type { DataSource } from 'typeorm';
import { BrowserPool } from 'src/modules/generators/pdf/browser-pool';
import { writePdfReport } from 'src/modules/generators/pdf/pdf-report.writer';
import { inlineParameters } from 'src/modules/generators/report-data/inline-parameters';
import { ReportDataReader } from 'src/modules/generators/report-data/report-data.reader';
import type { ReportQuery } from 'src/modules/generators/report-data/report-query';
import { json2csvReferenceWriter } from 'test/utils/json2csv-reference.writer';
import { renderReport, rowLimit } from 'src/modules/generators/writers/render-report';
import { writeXlsxReport } from 'src/modules/generators/writers/xlsx-report.writer';

// The paths bench:generate measures, each as the worker runs it minus storage (bytes discarded).

/** PostgreSQL's own COPY of the same query: the floor. */
export async function copyReference(db: Client, query: ReportQuery): Promise<void> {
  const sql = inlineParameters(query.sql, query.params);
  await pipelineAsync(db.query(copyTo(`COPY (${sql}) TO STDOUT (FORMAT csv, HEADER)`)), discard());
}

/** The worker's CSV: the reader's COPY with neutralisation in SQL, the row limit, the writer. */
export async function workerCsv(dataSource: DataSource, query: ReportQuery): Promise<void> {
  await new ReportDataReader(dataSource).read(
    query,
    async (rows) => {
      const limit = rowLimit('csv', Number.MAX_SAFE_INTEGER);
      const { output } = renderReport(
        'csv',
        pipe(rows, limit, () => undefined),
        query.columns,
        { title: 'CSV', summary: [] },
        { browsers: undefined as unknown as BrowserPool },
      );
      await pipelineAsync(output, discard());
    },
    'csv-copy',
  );
}

/** json2csv on typed object rows, for contrast (the design card's first choice). */
export async function json2csvCsv(db: Client, query: ReportQuery): Promise<void> {
  await db.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  const rows = db.query(
    new QueryStream(query.sql, query.params, { batchSize: 1000, highWaterMark: 1000 }),
  );
  await pipelineAsync(rows, json2csvReferenceWriter(query.columns), discard());
  await db.query('COMMIT');
}

export async function workerXlsx(dataSource: DataSource, query: ReportQuery): Promise<void> {
  await new ReportDataReader(dataSource).read(query, async (rows) => {
    const { output, done } = writeXlsxReport(rows, query.columns, {
      title: 'Invoice summary',
      summary: [{ label: 'Rows', value: 'all' }],
    });
    await Promise.all([pipelineAsync(output, discard()), done]);
  });
}

export async function workerPdf(
  dataSource: DataSource,
  query: ReportQuery,
  browsers: BrowserPool,
): Promise<void> {
  await new ReportDataReader(dataSource).read(query, async (rows) => {
    const { output, done } = writePdfReport(
      rows as Readable & AsyncIterable<Record<string, unknown>>,
      query.columns,
      { title: 'Invoice summary', summary: [{ label: 'Rows', value: 'all' }] },
      browsers,
    );
    await Promise.all([pipelineAsync(output, discard()), done]);
  });
}

export function discard(): Writable {
  return new Writable({ write: (_chunk, _encoding, done) => done() });
}

/** Wall time and the process's peak RSS (sampled every 50 ms) over `work`. */
export async function measure(
  work: () => Promise<void>,
): Promise<{ seconds: number; peakMb: number; startMb: number }> {
  global.gc?.();
  const startMb = Math.round(process.memoryUsage().rss / 1048576);
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
    startMb,
  };
}
