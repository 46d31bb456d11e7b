import { Transform, TransformCallback } from 'node:stream';
import type { ReportColumn } from 'src/modules/generators/report-types/report-type-provider';
import { neutralizeFormula } from './neutralize-formula';

const FLUSH_AT = 64 * 1024;
const NEEDS_QUOTES = /[",\r\n]/;

/**
 * Array rows of raw database text in, RFC 4180 CSV out (CRLF, header row, UTF-8, optional BOM).
 * The fast path: no per-row objects or type parsing, lines batched into ~64 KB chunks. Text
 * columns are neutralised against formula injection; other columns are written as the database
 * formatted them, so numbers stay numbers.
 */
export class CsvRowsWriter extends Transform {
  private buffer: string;
  private readonly text: boolean[];

  constructor(columns: ReportColumn[], options: { bom?: boolean } = {}) {
    super({ writableObjectMode: true, readableObjectMode: false });
    this.text = columns.map((c) => c.type === 'string');
    this.buffer = `${options.bom ? '\uFEFF' : ''}${columns.map((c) => field(c.header)).join(',')}`;
  }

  override _transform(
    row: (string | null)[],
    _encoding: BufferEncoding,
    done: TransformCallback,
  ): void {
    let line = '\r\n';
    for (let i = 0; i < row.length; i += 1) {
      if (i > 0) line += ',';
      const value = row[i];
      if (value === null || value === undefined) continue;
      const raw = typeof value === 'string' ? value : String(value);
      line += field(this.text[i] ? neutralizeFormula(raw) : raw);
    }
    this.buffer += line;
    if (this.buffer.length >= FLUSH_AT) {
      this.push(this.buffer);
      this.buffer = '';
    }
    done();
  }

  override _flush(done: TransformCallback): void {
    if (this.buffer.length > 0) this.push(this.buffer);
    done();
  }
}

function field(value: string): string {
  return NEEDS_QUOTES.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}
