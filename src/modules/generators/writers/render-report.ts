import { PassThrough, pipeline, Readable, Transform } from 'node:stream';
import type {
  OutputFormat,
  ReportColumn,
} from 'src/modules/generators/report-types/report-type-provider';
import { csvHeader } from './csv-header';
import { CsvCopyRecordsTransform } from './csv-copy-records.transform';
import { BrowserPool } from 'src/modules/generators/pdf/browser-pool';
import { pdfReportWriter } from 'src/modules/generators/pdf/pdf-report.writer';
import { RowLimitTransform } from './row-limit.transform';
import { xlsxReportWriter } from './xlsx-report.writer';

export interface RenderOptions {
  title: string;
  summary: { label: string; value: string | number }[];
  /** "Data as of", in the schedule's zone (PDF). */
  dataAsOf?: string;
  /** Rows a PDF shows before it ends with a note pointing to CSV/XLSX. */
  pdfMaxRows?: number;
  /** Start a CSV with a UTF-8 byte order mark, for Excel. */
  bom?: boolean;
}

/** What some formats need beyond rows: a browser for PDF. */
export interface RenderDependencies {
  browsers: BrowserPool;
}

/**
 * What each writer reads: CSV takes the bytes of PostgreSQL's own `COPY … (FORMAT csv)` (the
 * fast path, see csv-copy.query.ts), the others typed object rows.
 */
export const ROW_MODE: Record<OutputFormat, 'csv-copy' | 'object'> = {
  csv: 'csv-copy',
  xlsx: 'object',
  pdf: 'object',
};

/** Counts rows on their way to the writer (`rows`) and fails the stream past `maxRows`. */
export function rowLimit(format: OutputFormat, maxRows: number): Transform & { rows: number } {
  return ROW_MODE[format] === 'csv-copy'
    ? new CsvCopyRecordsTransform(maxRows)
    : new RowLimitTransform(maxRows);
}

/** Formats the generation worker can write today. */
export const RENDERABLE: OutputFormat[] = ['csv', 'xlsx', 'pdf'];

export const CONTENT_TYPES: Record<OutputFormat, string> = {
  csv: 'text/csv',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  pdf: 'application/pdf',
};

/**
 * Rows in (as ROW_MODE says, through rowLimit), file bytes out, in the schedule's format. `done`
 * settles when a writer that finishes work after its last byte (a workbook's final commit) is
 * through.
 */
export function renderReport(
  format: OutputFormat,
  rows: Readable,
  columns: ReportColumn[],
  options: RenderOptions,
  dependencies: RenderDependencies,
): { output: Readable; done: Promise<unknown> } {
  switch (format) {
    case 'csv': {
      // The records come CRLF-first from CsvCopyRecordsTransform, so they follow the header.
      const output = new PassThrough();
      output.write(csvHeader(columns, options));
      // Storage consumes the pipeline to its end; an error reaches it through the stream.
      return { output: pipeline(rows, output, () => undefined), done: Promise.resolve() };
    }
    case 'xlsx':
      return xlsxReportWriter(rows, columns, options);
    case 'pdf':
      return pdfReportWriter(
        rows,
        columns,
        { ...options, maxRows: options.pdfMaxRows },
        dependencies.browsers,
      );
    default:
      throw new Error(`output format '${format}' is not available yet`);
  }
}
