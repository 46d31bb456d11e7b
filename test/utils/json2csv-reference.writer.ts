import { Transform as Json2CsvTransform } from '@json2csv/node';
import type { Transform } from 'node:stream';
import type { ReportColumn } from 'src/modules/generators/report-types/report-type-provider';
import { neutralizeFormula } from 'src/modules/generators/writers/neutralize-formula';

const TEXT_TYPES = new Set<ReportColumn['type']>(['string']);

/** RFC 4180: quote a field holding a quote, comma, CR or LF; double inner quotes. */
function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/**
 * The independent reference for the worker's CSV (which PostgreSQL's COPY writes, neutralised in
 * SQL): object rows in, RFC 4180 CSV out (CRLF, header row, UTF-8), built on json2csv's streaming
 * Transform, with text columns neutralised against formula injection in JavaScript, row by row.
 * Tests compare the two byte for byte; bench:generate runs it as a contrast line.
 */
export function json2csvReferenceWriter(columns: ReportColumn[]): Transform {
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
      formatters: { string: csvField, number: (n: number) => String(n) },
    },
    {},
    { objectMode: true },
  ) as unknown as Transform;
}
