import type ExcelJS from 'exceljs';
import { lazyModule } from 'src/common/lazy-module';

// eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use (lazyModule)
const exceljs = lazyModule<typeof ExcelJS>(() => require('exceljs'));
import { EventEmitter, once } from 'node:events';
import { PassThrough, type Readable } from 'node:stream';
import type { ReportColumn } from 'src/modules/generators/report-types/report-type-provider';
import { neutralizeFormula } from './neutralize-formula';
import type { ReportWriter } from './report-writer';

export interface XlsxReportOptions {
  /** Shown at the top of the Summary sheet. */
  title: string;
  /** Label/value pairs listed under the title on the Summary sheet. */
  summary: { label: string; value: string | number }[];
  /** Data rows per sheet before a new one starts; default and maximum 1,048,575 (Excel's limit). */
  sheetRowLimit?: number;
}

/** Excel's 1,048,576 rows per sheet, less the header row. */
const MAX_SHEET_ROWS = 1_048_575;
/** Excel rejects a cell longer than this. */
const MAX_CELL_TEXT = 32_767;
/**
 * Sheet XML allowed to wait for the zip before reading more rows. exceljs hands the zip 64 KB
 * pieces without waiting, so this bounds memory, while leaving room for the compressor to work.
 */
const ZIP_SLACK_BYTES = 1024 * 1024;

const NUMBER_FORMATS: Record<ReportColumn['type'], string | undefined> = {
  string: undefined,
  integer: '0',
  money: '#,##0.00',
  number: undefined,
  date: 'yyyy-mm-dd',
  datetime: 'yyyy-mm-dd hh:mm:ss',
};
const DEFAULT_WIDTHS: Record<ReportColumn['type'], number> = {
  string: 16,
  integer: 10,
  money: 14,
  number: 12,
  date: 12,
  datetime: 20,
};

const DATE_TEXT = /^\d{4}-\d{2}-\d{2}$/;
const DATETIME_TEXT = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(\.\d+)?$/;
const FIRST_EXCEL_DATE = Date.UTC(1900, 2, 1);

type CellValue = string | number | Date;

/**
 * Object rows in, .xlsx bytes out, through exceljs' streaming writer: typed cells, one or more
 * "Data" sheets (bold, frozen, filterable header), then a "Summary" sheet. A streaming workbook
 * writes its sheets strictly one after another; the summary goes last so the data is the first
 * tab. Reading stops while the zip is behind, so memory stays flat whatever the row count.
 * `done` resolves once the last byte is handed to `output`; on failure it rejects and `output`
 * is destroyed with the error.
 */
export function writeXlsxReport(
  rows: AsyncIterable<Record<string, unknown>>,
  columns: ReportColumn[],
  options: XlsxReportOptions,
): { output: Readable; done: Promise<{ rows: number }> } {
  const sheetRowLimit = options.sheetRowLimit ?? MAX_SHEET_ROWS;
  if (!Number.isInteger(sheetRowLimit) || sheetRowLimit < 1 || sheetRowLimit > MAX_SHEET_ROWS) {
    throw new RangeError(`sheetRowLimit must be an integer from 1 to ${MAX_SHEET_ROWS}`);
  }
  const output = new PassThrough();
  const done = writeWorkbook(rows, columns, { ...options, sheetRowLimit }, output).then(
    (count) => ({ rows: count }),
    (error: unknown) => {
      output.destroy(error instanceof Error ? error : new Error(String(error)));
      throw error;
    },
  );
  // The error also reaches the consumer through `output`; a caller that stops at that must not
  // crash the process with an unhandled rejection.
  done.catch(() => undefined);
  return { output, done };
}

async function writeWorkbook(
  rows: AsyncIterable<Record<string, unknown>>,
  columns: ReportColumn[],
  options: XlsxReportOptions & { sheetRowLimit: number },
  output: PassThrough,
): Promise<number> {
  const workbook = new (exceljs().stream.xlsx.WorkbookWriter)({
    stream: output,
    // Shared strings are held in memory until the end; inline strings stream out with the row.
    useSharedStrings: false,
    useStyles: true,
    zip: { zlib: { level: 1 } },
  });
  // Set, and `failed` rejected, when the consumer goes away early or the zip fails; every wait
  // below races `failed`, so none hangs.
  let failure: Error | undefined;
  const failed = new Promise<never>((_resolve, reject) => {
    const fail = (error: Error) => {
      failure ??= error;
      reject(failure);
    };
    output.once('close', () => {
      if (!output.writableFinished) {
        fail(output.errored ?? new Error('xlsx output was closed before the workbook was done'));
      }
    });
    // exceljs listens for zip errors only in its final commit; an earlier one would crash.
    (workbook as unknown as { zip: EventEmitter }).zip.on('error', fail);
  });
  failed.catch(() => undefined);

  // One style object per column, reused by every cell: exceljs caches style ids by identity.
  const styles = columns.map((column) => {
    const numFmt =
      column.type === 'string' ? undefined : (column.format ?? NUMBER_FORMATS[column.type]);
    return numFmt ? { numFmt } : {};
  });

  const converters = columns.map((column) => CONVERTERS[column.type]);
  const toCells = (record: Record<string, unknown>) =>
    columns.map((column, i) => {
      const value = record[column.key];
      return value === null || value === undefined ? undefined : converters[i](value);
    });

  let total = 0;
  let sheetRows = 0;
  let sheet = addDataSheet(workbook, columns, 1);
  let input = zipInput(sheet);
  for await (const record of rows) {
    if (failure) throw failure;
    if (sheetRows === options.sheetRowLimit) {
      sheet.commit();
      sheet = addDataSheet(workbook, columns, Math.floor(total / options.sheetRowLimit) + 1);
      input = zipInput(sheet);
      sheetRows = 0;
    }
    const row = sheet.addRow(toCells(record));
    row.eachCell((cell, index) => {
      cell.style = styles[index - 1];
    });
    row.commit();
    sheetRows += 1;
    total += 1;
    // exceljs hands the zip each 64 KB of sheet XML without waiting: wait here when it lags.
    if (input._writableState.length > ZIP_SLACK_BYTES) {
      await Promise.race([once(input, 'drain'), failed]);
    }
  }
  sheet.commit();

  addSummarySheet(workbook, options).commit();
  await Promise.race([workbook.commit(), failed]);
  return total;
}

function addDataSheet(
  workbook: ExcelJS.stream.xlsx.WorkbookWriter,
  columns: ReportColumn[],
  number: number,
): ExcelJS.Worksheet {
  const sheet = workbook.addWorksheet(number === 1 ? 'Data' : `Data ${number}`, {
    views: [{ state: 'frozen', ySplit: 1 }],
  });
  sheet.columns = columns.map((column) => ({
    key: column.key,
    width: column.width ?? Math.max(DEFAULT_WIDTHS[column.type], column.header.length + 2),
  }));
  const header = sheet.addRow(columns.map((column) => column.header));
  header.font = { bold: true };
  header.commit();
  sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: columns.length } };
  return sheet;
}

function addSummarySheet(
  workbook: ExcelJS.stream.xlsx.WorkbookWriter,
  options: XlsxReportOptions,
): ExcelJS.Worksheet {
  const sheet = workbook.addWorksheet('Summary');
  const labelWidth = Math.max(12, ...options.summary.map((item) => item.label.length + 2));
  sheet.columns = [{ width: Math.min(labelWidth, 40) }, { width: 40 }];
  const title = sheet.addRow([textCell(options.title)]);
  title.font = { bold: true, size: 14 };
  sheet.addRow([]);
  for (const item of options.summary) {
    const row = sheet.addRow([
      textCell(item.label),
      typeof item.value === 'number' ? item.value : textCell(item.value),
    ]);
    row.getCell(1).font = { bold: true };
  }
  return sheet;
}

/**
 * archiver's PassThrough a sheet is zipped from (readable-stream 2, so no `writableLength`). It
 * drains only as fast as `output` is read, so waiting on it gives the whole chain back-pressure.
 */
type ZipInput = EventEmitter & { _writableState: { length: number } };

/**
 * The stream the zip reads a sheet from. exceljs does not expose it: its sheet stream keeps its
 * consumers in `pipes`. Checked so an exceljs upgrade that moves it fails loudly, not with
 * unbounded memory.
 */
function zipInput(sheet: ExcelJS.Worksheet): ZipInput {
  const stream = (sheet as unknown as { stream?: { pipes?: unknown[] } }).stream;
  const input = stream?.pipes?.[0] as Partial<ZipInput> | undefined;
  if (!(input instanceof EventEmitter) || typeof input._writableState?.length !== 'number') {
    throw new Error('exceljs internals changed: cannot find the zip input of a worksheet');
  }
  return input as ZipInput;
}

/** Database value (never null) to cell value, by column type. */
const CONVERTERS: Record<ReportColumn['type'], (value: unknown) => CellValue> = {
  string: (value) => textCell(value instanceof Date ? value.toISOString() : String(value)),
  integer: numberCell,
  money: numberCell,
  number: numberCell,
  date: (value) => dateCell(value, DATE_TEXT, 'T00:00:00Z'),
  datetime: (value) => dateCell(value, DATETIME_TEXT, 'Z'),
};

function textCell(text: string): string {
  const safe = neutralizeFormula(text);
  return safe.length > MAX_CELL_TEXT ? safe.slice(0, MAX_CELL_TEXT) : safe;
}

/** Text the database formatted ('1234.50', a bigint count) becomes a number; junk stays text. */
function numberCell(value: unknown): CellValue {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  const text = String(value);
  const number = typeof value === 'bigint' || /\d/.test(text) ? Number(text) : NaN;
  return Number.isFinite(number) ? number : textCell(text);
}

/**
 * The text is wall time in the report's zone; Excel has no zones and converts a Date as UTC, so
 * reading it as UTC makes Excel show the same wall time. A Date from the driver is an instant and
 * shows in UTC: queries format dates as text for that reason.
 */
function dateCell(value: unknown, pattern: RegExp, utcSuffix: string): CellValue {
  if (value instanceof Date) return value;
  const text = String(value);
  const time = pattern.test(text) ? Date.parse(text.replace(' ', 'T') + utcSuffix) : NaN;
  // Serial numbers before 1900-03-01 are off by Excel's 1900 leap-year bug, or invalid.
  return time >= FIRST_EXCEL_DATE ? new Date(time) : textCell(text);
}

/** XLSX: typed object rows through exceljs' streaming workbook. */
export const xlsxReportWriter: ReportWriter = {
  input: 'object',
  write: (rows, columns, options) => writeXlsxReport(rows, columns, options),
};
