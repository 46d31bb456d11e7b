import type { OutputFormat } from 'src/domain/vocabulary';
import { pdfReportWriter } from 'src/modules/generators/pdf/pdf-report.writer';
import { csvReportWriter } from './csv-report.writer';
import type { ReportWriter } from './report-writer';
import { xlsxReportWriter } from './xlsx-report.writer';

/** Every output format's writer; the type makes a format without one a compile error. */
export const REPORT_WRITERS: { readonly [F in OutputFormat]: ReportWriter } = {
  csv: csvReportWriter,
  xlsx: xlsxReportWriter,
  pdf: pdfReportWriter,
};
