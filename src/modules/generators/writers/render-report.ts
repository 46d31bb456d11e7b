import { pipeline, Readable } from 'node:stream';
import type {
  OutputFormat,
  ReportColumn,
} from 'src/modules/generators/report-types/report-type-provider';
import { csvReportWriter } from './csv-report.writer';
import { xlsxReportWriter } from './xlsx-report.writer';

export interface RenderOptions {
  title: string;
  summary: { label: string; value: string | number }[];
}

/** Formats the generation worker can write today. */
export const RENDERABLE: OutputFormat[] = ['csv', 'xlsx'];

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
): { output: Readable; done: Promise<unknown> } {
  switch (format) {
    case 'csv':
      // Storage consumes the pipeline to its end; a writer error reaches it through the stream.
      return {
        output: pipeline(rows, csvReportWriter(columns), () => undefined) as Readable,
        done: Promise.resolve(),
      };
    case 'xlsx':
      return xlsxReportWriter(rows, columns, options);
    default:
      throw new Error(`output format '${format}' is not available yet`);
  }
}
