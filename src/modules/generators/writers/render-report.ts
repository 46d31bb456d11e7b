import type { Readable, Transform } from 'node:stream';
import type { OutputFormat } from 'src/domain/vocabulary';
import type { ReportColumn } from 'src/modules/generators/report-types/report-type-provider';
import { CsvCopyRecordsTransform } from './csv-copy-records.transform';
import { REPORT_WRITERS } from './report-writers';
import type { RenderDependencies, RenderOptions, WrittenReport } from './report-writer';
import { RowLimitTransform } from './row-limit.transform';

/** Which rows the format's writer reads (see ReportWriter.input). */
export function rowInput(format: OutputFormat): ReportWriterInput {
  return REPORT_WRITERS[format].input;
}

type ReportWriterInput = (typeof REPORT_WRITERS)[OutputFormat]['input'];

/** Counts rows on their way to the writer (`rows`) and fails the stream past `maxRows`. */
export function rowLimit(format: OutputFormat, maxRows: number): Transform & { rows: number } {
  return rowInput(format) === 'csv-copy'
    ? new CsvCopyRecordsTransform(maxRows)
    : new RowLimitTransform(maxRows);
}

/** Rows in (as `rowInput` says, through `rowLimit`), file bytes out, in the format asked for. */
export function renderReport(
  format: OutputFormat,
  rows: Readable,
  columns: ReportColumn[],
  options: RenderOptions,
  dependencies: RenderDependencies,
): { output: Readable; done: Promise<WrittenReport | void> } {
  return REPORT_WRITERS[format].write(rows, columns, options, dependencies);
}
