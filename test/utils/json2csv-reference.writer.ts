import { Transform as Json2CsvTransform } from '@json2csv/node';
import type { Transform } from 'node:stream';
import type { ReportColumn } from 'src/modules/generators/report-types/report-type-provider';
import { neutralizeFormula } from './neutralize-formula';

const TEXT_TYPES = new Set<ReportColumn['type']>(['string']);

/** RFC 4180: quote a field holding a quote, comma, CR or LF; double inner quotes. */
function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/**
 * Object rows in, RFC 4180 CSV out (CRLF, header row, UTF-8, optional BOM for Excel), built on
 * json2csv's streaming Transform. Text columns are neutralised against formula injection;
 * numeric columns are written as the database formatted them, so numbers stay numbers.
 */
export function csvReportWriter(
  columns: ReportColumn[],
  options: { bom?: boolean } = {},
): Transform {
  return new Json2CsvTransform(
    {
      fields: columns.map((column) => ({
        label: column.header,
        value: (row: Record<string, unknown>) => {
          const value = row[column.key];
          if (value === null || value === undefined) return '';
          const text = value instanceof Date ? value.toISOString() : String(value);
          return TEXT_TYPES.has(column.type) ? neutralizeFormula(text) : text;
        },
      })),
      eol: '\r\n',
      includeEmptyRows: true,
      withBOM: options.bom ?? false,
      formatters: { string: csvField, number: (n: number) => String(n) },
    },
    {},
    { objectMode: true },
  ) as unknown as Transform;
}
