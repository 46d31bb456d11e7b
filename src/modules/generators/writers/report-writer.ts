import type { Readable } from 'node:stream';
import type { BrowserPool } from 'src/modules/generators/pdf/browser-pool';
import type { SummaryTotals } from 'src/modules/generators/pdf/period-totals';
import type { ReportColumn } from 'src/modules/generators/report-types/report-type-provider';

/** What a writer is told about the report besides its rows. */
export interface RenderOptions {
  title: string;
  summary: { label: string; value: string | number }[];
  /** "Data as of", in the schedule's zone (PDF). */
  dataAsOf?: string;
  /** Rows a PDF shows before it ends with a note pointing to CSV/XLSX. */
  pdfMaxRows?: number;
}

/** What some writers need beyond rows: a browser for PDF. */
export interface RenderDependencies {
  browsers: BrowserPool;
}

/** What a writer may report once it is done, besides the bytes. */
export interface WrittenReport {
  rows?: number;
  /** Totals by period, for the execution's metadata and the email (PDF). */
  summaryTotals?: SummaryTotals;
}

/**
 * One output format, registered in `report-writers.ts`. `input` says which rows it reads:
 * `csv-copy` is the bytes of PostgreSQL's own `COPY … (FORMAT csv)` (the fast path, see
 * csv-copy.query.ts), `object` typed rows through a cursor. `write` turns them into the file's
 * bytes; `done` settles when work after the last byte (a workbook's final commit) is through.
 */
export interface ReportWriter {
  readonly input: 'csv-copy' | 'object';
  write(
    rows: Readable,
    columns: ReportColumn[],
    options: RenderOptions,
    dependencies: RenderDependencies,
  ): { output: Readable; done: Promise<WrittenReport | void> };
}
