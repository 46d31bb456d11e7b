import { PassThrough, pipeline } from 'node:stream';
import type { ReportColumn } from 'src/modules/generators/report-types/report-type-provider';
import type { ReportWriter } from './report-writer';

/**
 * CSV (RFC 4180: CRLF, header row, UTF-8). The records are PostgreSQL's own COPY output with
 * text columns neutralised in SQL (csv-copy.query.ts), made CRLF-first by
 * CsvCopyRecordsTransform, so they follow the header line written here.
 */
export const csvReportWriter: ReportWriter = {
  input: 'csv-copy',
  write(rows, columns) {
    const output = new PassThrough();
    output.write(csvHeader(columns));
    // Storage consumes the pipeline to its end; an error reaches it through the stream.
    return { output: pipeline(rows, output, () => undefined), done: Promise.resolve() };
  },
};

/** The header line: column labels, quoted as RFC 4180 asks. */
function csvHeader(columns: ReportColumn[]): string {
  return columns
    .map(({ header }) => (/[",\r\n]/.test(header) ? `"${header.replaceAll('"', '""')}"` : header))
    .join(',');
}
