import type { ReportColumn } from 'src/modules/generators/report-types/report-type-provider';

/** The header line of a report's CSV (column labels, RFC 4180 quoting), optionally BOM-first. */
export function csvHeader(columns: ReportColumn[], options: { bom?: boolean } = {}): string {
  const labels = columns.map(({ header }) =>
    /[",\r\n]/.test(header) ? `"${header.replaceAll('"', '""')}"` : header,
  );
  return `${options.bom ? '\uFEFF' : ''}${labels.join(',')}`;
}
