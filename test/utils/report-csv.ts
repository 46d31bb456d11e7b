import { pipeline as pipe, Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { pipeline } from 'node:stream/promises';
import type { ClientBase } from 'pg';
import QueryStream from 'pg-query-stream';
import { DataSource } from 'typeorm';
import type { BrowserPool } from 'src/modules/generators/pdf/browser-pool';
import { ReportDataReader } from 'src/modules/generators/report-data/report-data.reader';
import type { ReportQuery } from 'src/modules/generators/report-data/report-query';
import { json2csvReferenceWriter } from './json2csv-reference.writer';
import { renderReport, rowLimit } from 'src/modules/generators/writers/render-report';

/** A report's CSV the way the worker writes it: the reader's COPY, the row limit, the writer. */
export async function workerCsv(
  dataSource: DataSource,
  query: ReportQuery,
  options: {
    maxRows?: number;
    consume?: (output: Readable) => Promise<Buffer>;
  } = {},
): Promise<{ bytes: Buffer; rows: number; dataAsOf: Date }> {
  const reader = new ReportDataReader(dataSource);
  return reader.read(
    query,
    async (rows, dataAsOf) => {
      const limit = rowLimit('csv', options.maxRows ?? Number.MAX_SAFE_INTEGER);
      const { output } = renderReport(
        'csv',
        pipe(rows, limit, () => undefined),
        query.columns,
        { title: 'CSV', summary: [] },
        { browsers: undefined as unknown as BrowserPool },
      );
      const bytes = await (options.consume ?? buffer)(output);
      return { bytes, rows: limit.rows, dataAsOf };
    },
    'csv-copy',
  );
}

/**
 * The same report from typed object rows through json2csv: an independent reference
 * (neutralisation and quoting in JavaScript, per row) for the SQL-side path above.
 */
export async function referenceCsv(client: ClientBase, query: ReportQuery): Promise<Buffer> {
  const chunks: Buffer[] = [];
  await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  try {
    const rows = client.query(new QueryStream(query.sql, query.params, { batchSize: 500 }));
    await pipeline(
      rows,
      json2csvReferenceWriter(query.columns),
      async (source: AsyncIterable<Buffer>) => {
        for await (const chunk of source) chunks.push(Buffer.from(chunk));
      },
    );
  } finally {
    await client.query('COMMIT');
  }
  return Buffer.concat(chunks);
}
