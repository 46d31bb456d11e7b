import Handlebars from 'handlebars';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { PassThrough, type Readable } from 'node:stream';
import type { PDFDocument } from 'pdf-lib';
import { lazyModule } from 'src/common/lazy-module';

// eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use (lazyModule)
const pdfLib = lazyModule<typeof import('pdf-lib')>(() => require('pdf-lib'));
import type { ReportColumn } from 'src/modules/generators/report-types/report-type-provider';
import type { ReportWriter } from 'src/modules/generators/writers/report-writer';
import type { BrowserPool } from './browser-pool';

export interface PdfReportOptions {
  /** Shown as the heading of the first page and as the document title. */
  title: string;
  /** Label/value pairs listed under the title. */
  summary: { label: string; value: string | number }[];
  /** Shown above the title. */
  brandName?: string;
  /** When the data was read, as the reader should see it; default: now, in UTC. */
  dataAsOf?: string;
  /** Rows printed before the document ends with a note; default 50,000. */
  maxRows?: number;
  /** Rows per Chromium print; default 1,000. One print of 10K rows took 12–20 s and 3 GB. */
  chunkRows?: number;
}

const DEFAULT_MAX_ROWS = 50_000;
/*
 * Measured on 5,000 rows (2 cores): chunks of 1,000 printed two at a time took 3.2 s and peaked
 * at 1.76 GB of Chromium RSS; 2,000 two at a time 3.0 s but 2.26 GB; 2,000 one at a time 4.5 s.
 */
const DEFAULT_CHUNK_ROWS = 1_000;
/** Prints in flight at once, on separate pages (renderer processes); the pool caps it too. */
const PARALLEL_PRINTS = 2;
/**
 * Tagged output only survives when the report is a single print: pdf-lib's page copy drops the
 * structure tree when chunks are merged, so tagging a chunk of a larger report is wasted work.
 */
const MAX_TAGGED_ROWS = 5_000;
const NUMERIC_TYPES = new Set<ReportColumn['type']>(['integer', 'money', 'number']);

interface Templates {
  report: HandlebarsTemplateDelegate;
}
let templates: Templates | undefined;

/**
 * Object rows in, PDF bytes out. Rows are printed by Chromium `chunkRows` at a time (one huge
 * print takes gigabytes), two chunks at once, merged in order with pdf-lib and every page stamped
 * "Page N of M". At most three chunks of rows are held (two printing, one filling); the merged
 * pages are held until the end, which the
 * `maxRows` cap bounds. Past the cap reading stops and the document ends with a note. `done`
 * resolves once the bytes are handed to `output`; on failure it rejects and `output` is destroyed.
 */
export function writePdfReport(
  rows: AsyncIterable<Record<string, unknown>>,
  columns: ReportColumn[],
  options: PdfReportOptions,
  pool: BrowserPool,
): { output: Readable; done: Promise<{ rows: number }> } {
  const maxRows = options.maxRows ?? DEFAULT_MAX_ROWS;
  const chunkRows = options.chunkRows ?? DEFAULT_CHUNK_ROWS;
  if (!Number.isInteger(maxRows) || maxRows < 1) throw new RangeError('maxRows must be >= 1');
  if (!Number.isInteger(chunkRows) || chunkRows < 1) throw new RangeError('chunkRows must be >= 1');
  const output = new PassThrough();
  const done = writeDocument(rows, columns, { ...options, maxRows, chunkRows }, pool).then(
    ({ bytes, count }) => {
      output.end(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      return { rows: count };
    },
    (error: unknown) => {
      output.destroy(error instanceof Error ? error : new Error(String(error)));
      throw error;
    },
  );
  // The error also reaches the consumer through `output`; don't crash on an unhandled rejection.
  done.catch(() => undefined);
  return { output, done };
}

async function writeDocument(
  rows: AsyncIterable<Record<string, unknown>>,
  columns: ReportColumn[],
  options: PdfReportOptions & { maxRows: number; chunkRows: number },
  pool: BrowserPool,
): Promise<{ bytes: Uint8Array; count: number }> {
  const layout = columnLayout(columns);
  const header = {
    brandName: options.brandName ?? '',
    summary: options.summary.map((item) => ({ label: item.label, value: String(item.value) })),
    dataAsOf: options.dataAsOf ?? `${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC`,
  };
  const print = (cells: string[][], first: boolean, last: boolean, note: string | null) => {
    const html = loadTemplates().report({
      title: options.title,
      columns: layout,
      header: first ? header : null,
      rows: cells,
      empty: first && last && cells.length === 0,
      note,
    });
    return pool.renderPdf(html, {
      format: 'A4',
      landscape: true,
      printBackground: true,
      preferCSSPageSize: true,
      tagged: first && last && cells.length <= MAX_TAGGED_ROWS,
      outline: false,
    });
  };

  let merged: PDFDocument | undefined;
  const append = async (bytes: Uint8Array) => {
    const chunk = await pdfLib().PDFDocument.load(bytes);
    // A single-chunk report keeps Chromium's document, and with it the tags.
    if (!merged) {
      merged = chunk;
      return;
    }
    const pages = await merged.copyPages(chunk, chunk.getPageIndices());
    for (const page of pages) merged.addPage(page);
  };

  // Prints run PARALLEL_PRINTS at a time and are merged in order as each oldest one finishes,
  // while the next chunk's rows are read: Chromium, pdf-lib and the query overlap.
  const inFlight: Promise<Uint8Array>[] = [];
  const start = (printing: Promise<Uint8Array>) => {
    // Awaited in order below; until then a failure must not count as unhandled.
    printing.catch(() => undefined);
    inFlight.push(printing);
  };
  const appendOldest = async () => append(await (inFlight.shift() as Promise<Uint8Array>));

  let count = 0;
  let truncated = false;
  let chunk: string[][] = [];
  let first = true;
  try {
    for await (const record of rows) {
      if (count === options.maxRows) {
        // Leaving the loop calls the source's return(), which stops the query.
        truncated = true;
        break;
      }
      // A full chunk is printed only once another row shows it is not the last one.
      if (chunk.length === options.chunkRows) {
        if (inFlight.length === PARALLEL_PRINTS) await appendOldest();
        start(print(chunk, first, false, null));
        first = false;
        chunk = [];
      }
      chunk.push(columns.map((column) => cellText(record[column.key])));
      count += 1;
    }
    const note = truncated
      ? `This PDF shows the first ${count.toLocaleString('en-US')} rows of ` +
        `${(count + 1).toLocaleString('en-US')}+ rows; download the CSV or XLSX for the full data.`
      : null;
    start(print(chunk, first, true, note));
    while (inFlight.length > 0) await appendOldest();
  } finally {
    // On failure, let the other prints finish before the caller moves on (their pages close).
    await Promise.allSettled(inFlight);
  }

  const document = merged as PDFDocument;
  await stampPageNumbers(document);
  document.setTitle(options.title, { showInWindowTitleBar: true });
  document.setProducer('scheduled-reports');
  return { bytes: await document.save(), count };
}

/** "Page N of M" centred in the bottom margin of every page, after merging so M is the total. */
async function stampPageNumbers(document: PDFDocument): Promise<void> {
  const { rgb, StandardFonts } = pdfLib();
  const font = await document.embedFont(StandardFonts.Helvetica);
  const pages = document.getPages();
  const size = 8;
  pages.forEach((page, index) => {
    const text = `Page ${index + 1} of ${pages.length}`;
    const width = font.widthOfTextAtSize(text, size);
    page.drawText(text, {
      x: (page.getWidth() - width) / 2,
      y: 14,
      size,
      font,
      color: rgb(0.33, 0.33, 0.33),
    });
  });
}

/** Characters of 7pt text across a landscape A4 page inside its margins (277 mm). */
const PAGE_WIDTH_CH = 190;
/** Cell padding, in characters. */
const CELL_PADDING_CH = 1.5;
/** Printed width of values that must not wrap (dates, amounts). */
const FIXED_WIDTH_CH: Partial<Record<ReportColumn['type'], (column: ReportColumn) => number>> = {
  date: () => 10,
  datetime: () => 19,
  money: (column) => Math.max(10, Math.min(column.width ?? 12, 12)),
  integer: (column) => Math.max(6, Math.min(column.width ?? 8, 12)),
  number: (column) => Math.max(8, Math.min(column.width ?? 12, 14)),
};

/**
 * Column headings, which align right, and widths as shares of the page. The table has a fixed
 * layout (Chromium would otherwise measure every cell of a chunk): dates and amounts get the
 * width they need unwrapped, text columns share the rest by their `width`.
 */
function columnLayout(columns: ReportColumn[]) {
  const fixed = columns.map((column) => {
    const width = FIXED_WIDTH_CH[column.type]?.(column);
    return width === undefined
      ? undefined
      : Math.max(width, column.header.length) + CELL_PADDING_CH;
  });
  const weights = columns.map((column) => column.width ?? Math.max(10, column.header.length + 2));
  const fixedTotal = fixed.reduce<number>((sum, width) => sum + (width ?? 0), 0);
  const weightTotal = weights.reduce(
    (sum, weight, index) => sum + (fixed[index] === undefined ? weight : 0),
    0,
  );
  const room = PAGE_WIDTH_CH - fixedTotal;
  const widths =
    room > weightTotal * 0.3 || weightTotal === 0
      ? columns.map((_column, index) => fixed[index] ?? (weights[index] / weightTotal) * room)
      : // Too many columns for the page: share it by weight and let everything wrap.
        weights;
  const total = widths.reduce((sum, width) => sum + width, 0);
  return columns.map((column, index) => ({
    header: column.header,
    position: index + 1,
    numeric: NUMERIC_TYPES.has(column.type),
    noWrap: fixed[index] !== undefined && widths !== weights,
    widthPercent: ((widths[index] / total) * 100).toFixed(2),
  }));
}

/** Queries format money and dates as text already; a Date from the driver shows as UTC. */
function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString();
  return String(value);
}

/** Compiled once; an isolated Handlebars environment so no global helper or partial leaks in. */
function loadTemplates(): Templates {
  if (templates) return templates;
  const dir = path.join(templatesRoot(), 'reports');
  const handlebars = Handlebars.create();
  const read = (file: string) => readFileSync(path.join(dir, file), 'utf8');
  handlebars.registerPartial('table', handlebars.compile(read('table.hbs'), { strict: true }));
  templates = { report: handlebars.compile(read('layouts/report.hbs'), { strict: true }) };
  return templates;
}

/**
 * The repository's top-level templates/ folder, found by walking up from this file so it works
 * from src/ (ts-jest, ts-node) and from dist/src/ alike. The build does not copy it: a deployment
 * ships templates/ beside dist/.
 */
function templatesRoot(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'templates');
    if (existsSync(path.join(candidate, 'reports', 'layouts', 'report.hbs'))) return candidate;
    if (path.dirname(dir) === dir) {
      throw new Error(`templates/reports not found above ${__dirname}`);
    }
  }
}

/** PDF: typed object rows printed by the shared Chromium. */
export const pdfReportWriter: ReportWriter = {
  input: 'object',
  write: (rows, columns, options, dependencies) =>
    writePdfReport(
      rows,
      columns,
      { ...options, maxRows: options.pdfMaxRows },
      dependencies.browsers,
    ),
};
