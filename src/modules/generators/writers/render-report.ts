import { pipeline, Readable } from 'node:stream';
import type {
  OutputFormat,
  ReportColumn,
} from 'src/modules/generators/report-types/report-type-provider';
import { CsvRowsWriter } from './csv-rows.writer';
import { BrowserPool } from 'src/modules/generators/pdf/browser-pool';
import { pdfReportWriter } from 'src/modules/generators/pdf/pdf-report.writer';
import { xlsxReportWriter } from './xlsx-report.writer';

export interface RenderOptions {
  title: string;
  summary: { label: string; value: string | number }[];
  /** "Data as of", in the schedule's zone (PDF). */
  dataAsOf?: string;
  /** Rows a PDF shows before it ends with a note pointing to CSV/XLSX. */
  pdfMaxRows?: number;
}

/** What some formats need beyond rows: a browser for PDF. */
export interface RenderDependencies {
  browsers: BrowserPool;
}

/** The row shape each writer reads: CSV takes the database's raw text in arrays (fast path). */
export const ROW_MODE: Record<OutputFormat, 'array' | 'object'> = {
  csv: 'array',
  xlsx: 'object',
  pdf: 'object',
};

/** Formats the generation worker can write today. */
export const RENDERABLE: OutputFormat[] = ['csv', 'xlsx', 'pdf'];

export const CONTENT_TYPES: Record<OutputFormat, string> = {
  csv: 'text/csv',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  pdf: 'application/pdf',
};

/**
 * Object rows in, file bytes out, in the schedule's format. `done` settles when a writer that
 * finishes work after its last byte (a workbook's final commit) is through.
 */
export function renderReport(
  format: OutputFormat,
  rows: Readable,
  columns: ReportColumn[],
  options: RenderOptions,
  dependencies: RenderDependencies,
): { output: Readable; done: Promise<unknown> } {
  switch (format) {
    case 'csv':
      // Storage consumes the pipeline to its end; a writer error reaches it through the stream.
      return {
        output: pipeline(rows, new CsvRowsWriter(columns), () => undefined) as Readable,
        done: Promise.resolve(),
      };
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
