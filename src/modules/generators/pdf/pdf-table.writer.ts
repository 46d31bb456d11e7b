import { Logger } from '@nestjs/common';
import { existsSync, readFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';
import type { PDFDocument, PDFFont, PDFPage } from 'pdf-lib';
import { lazyModule } from 'src/common/lazy-module';
import type { ReportColumn } from 'src/modules/generators/report-types/report-type-provider';

// eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use (lazyModule)
const pdfLib = lazyModule<typeof import('pdf-lib')>(() => require('pdf-lib'));
// eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use (lazyModule)
const fontkit = lazyModule<unknown>(() => require('@pdf-lib/fontkit'));

/** Debian's fonts-dejavu-core: Unicode text (Latin, Greek, Cyrillic, symbols) in the table. */
export const TABLE_FONT_FILES = {
  regular: '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf',
  bold: '/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf',
};

/** A4 landscape, in points. */
const PAGE_WIDTH = 841.89;
const PAGE_HEIGHT = 595.28;
const MARGIN_X = 28;
const MARGIN_TOP = 24;
/** Room for "Page N of M", stamped once the page count is known. */
const MARGIN_BOTTOM = 34;
const FONT_SIZE = 6.5;
const LINE_HEIGHT = 8;
const PADDING_X = 2.5;
const PADDING_Y = 1;
/** A long cell wraps onto at most this many lines, the last one ending with an ellipsis. */
const MAX_CELL_LINES = 3;
const ELLIPSIS = '\u2026';
const NUMERIC_TYPES = new Set<ReportColumn['type']>(['integer', 'money', 'number']);
/** Types whose values never wrap (an amount split over two lines misleads). */
const SINGLE_LINE_TYPES = new Set<ReportColumn['type']>([
  'integer',
  'money',
  'number',
  'date',
  'datetime',
]);

interface ColumnBox {
  x: number;
  width: number;
  numeric: boolean;
  singleLine: boolean;
}

/** Whole texts remembered per font (statuses, currencies, amounts repeat); cleared when full. */
const MAX_CACHED_TEXTS = 20_000;

/** One embedded font with per-character caches: every cell is encoded without text shaping. */
class CachedFont {
  private readonly hex = new Map<string, string>();
  private readonly widths = new Map<string, number>();
  private readonly texts = new Map<string, { hex: string; width: number }>();

  constructor(
    readonly font: PDFFont,
    readonly name: string,
    readonly unicode: boolean,
  ) {}

  /** The character as the font can show it: a standard font has no glyph outside WinAnsi. */
  private glyph(char: string): string {
    if (this.hex.has(char)) return char;
    try {
      const hex = this.font.encodeText(char).toString();
      this.hex.set(char, hex.slice(1, -1));
      this.widths.set(char, this.font.widthOfTextAtSize(char, FONT_SIZE));
      return char;
    } catch {
      if (this.unicode || char === '?') throw new Error(`cannot encode U+${char.codePointAt(0)}`);
      return this.glyph('?');
    }
  }

  width(text: string): number {
    return this.measured(text).width;
  }

  /** The text as a PDF hex string of glyph codes. */
  encode(text: string): string {
    return this.measured(text).hex;
  }

  private measured(text: string): { hex: string; width: number } {
    let known = this.texts.get(text);
    if (known) return known;
    let hex = '<';
    let width = 0;
    for (const char of text) {
      const shown = this.glyph(char);
      hex += this.hex.get(shown) as string;
      width += this.widths.get(shown) as number;
    }
    known = { hex: `${hex}>`, width };
    if (this.texts.size >= MAX_CACHED_TEXTS) this.texts.clear();
    this.texts.set(text, known);
    return known;
  }
}

/**
 * Draws a table straight into PDF pages with pdf-lib: no browser, one content stream per page
 * written as PDF operators and compressed as soon as the page is full, so a page costs a few
 * kilobytes however many pages follow. Column headings repeat on every page; a long cell wraps
 * onto three lines at most and ends with an ellipsis; amounts and dates never wrap. Text is
 * drawn glyph by glyph from DejaVu Sans (Debian's fonts-dejavu-core), without shaping, so
 * scripts that need it (Arabic, Indic) and CJK, which DejaVu lacks, do not print correctly.
 * Without the font it falls back to Helvetica and prints `?` for what WinAnsi cannot show.
 */
export class PdfTableWriter {
  private readonly boxes: ColumnBox[];
  private content: string[] = [];
  private page?: PDFPage;
  private y = 0;
  pages = 0;

  private constructor(
    private readonly document: PDFDocument,
    private readonly columns: ReportColumn[],
    private readonly regular: CachedFont,
    private readonly bold: CachedFont,
    private readonly title: string,
  ) {
    this.boxes = columnBoxes(columns, (header) => bold.width(header) + 2 * PADDING_X);
  }

  /** Embeds the fonts (DejaVu Sans, else Helvetica) into `document`. */
  static async create(
    document: PDFDocument,
    columns: ReportColumn[],
    title: string,
    fontFiles = TABLE_FONT_FILES,
  ): Promise<PdfTableWriter> {
    const { StandardFonts } = pdfLib();
    const unicode = existsSync(fontFiles.regular) && existsSync(fontFiles.bold);
    let regular: PDFFont;
    let bold: PDFFont;
    if (unicode) {
      document.registerFontkit(fontkit() as Parameters<PDFDocument['registerFontkit']>[0]);
      regular = await document.embedFont(readFileSync(fontFiles.regular), { subset: true });
      bold = await document.embedFont(readFileSync(fontFiles.bold), { subset: true });
    } else {
      new Logger(PdfTableWriter.name).warn(
        `PDF tables print in Helvetica, non-Latin text as '?': no font at ${fontFiles.regular}` +
          " (install Debian's fonts-dejavu-core)",
      );
      regular = await document.embedFont(StandardFonts.Helvetica);
      bold = await document.embedFont(StandardFonts.HelveticaBold);
    }
    return new PdfTableWriter(
      document,
      columns,
      new CachedFont(regular, 'TR', unicode),
      new CachedFont(bold, 'TB', unicode),
      title,
    );
  }

  /** Whether the table prints with the Unicode font (false: Helvetica, WinAnsi only). */
  get unicode(): boolean {
    return this.regular.unicode;
  }

  addRow(cells: string[]): void {
    const lines = cells.map((cell, index) => this.cellLines(cell, this.boxes[index]));
    const height = Math.max(1, ...lines.map((l) => l.length)) * LINE_HEIGHT + 2 * PADDING_Y;
    if (!this.page || this.y - height < MARGIN_BOTTOM) this.startPage();
    this.drawRow(lines, this.regular, height);
    // A thin rule under each row.
    this.content.push(
      `0.85 G 0.3 w ${MARGIN_X} ${fix(this.y)} m ${fix(PAGE_WIDTH - MARGIN_X)} ${fix(this.y)} l S`,
    );
  }

  /** Ends the table, with a closing note under it when there is one. */
  finish(note: string | null): void {
    if (note !== null) {
      if (!this.page || this.y - 3 * LINE_HEIGHT < MARGIN_BOTTOM) this.startPage();
      this.y -= LINE_HEIGHT * 2;
      const text = this.fit(note, this.bold, PAGE_WIDTH - 2 * MARGIN_X);
      this.content.push(
        `BT 0.6 0.1 0.1 rg /${this.bold.name} ${FONT_SIZE + 1} Tf 1 0 0 1 ${MARGIN_X} ${fix(this.y)} Tm ${this.bold.encode(text)} Tj ET`,
      );
    }
    this.flushPage();
  }

  private startPage(): void {
    this.flushPage();
    const { PDFName } = pdfLib();
    this.page = this.document.addPage([PAGE_WIDTH, PAGE_HEIGHT]);
    this.page.node.setFontDictionary(PDFName.of(this.regular.name), this.regular.font.ref);
    this.page.node.setFontDictionary(PDFName.of(this.bold.name), this.bold.font.ref);
    this.pages += 1;
    this.y = PAGE_HEIGHT - MARGIN_TOP;
    const caption = this.fit(this.title, this.bold, PAGE_WIDTH - 2 * MARGIN_X);
    this.content.push(
      `BT 0.33 g /${this.bold.name} ${FONT_SIZE + 1} Tf 1 0 0 1 ${MARGIN_X} ${fix(this.y)} Tm ${this.bold.encode(caption)} Tj ET`,
    );
    this.y -= LINE_HEIGHT;
    // The column headings, on a grey band, on every page.
    const headings = this.columns.map((column, index) =>
      this.wrap(column.header, this.bold, this.boxes[index].width - 2 * PADDING_X, 2),
    );
    const height = Math.max(...headings.map((l) => l.length)) * LINE_HEIGHT + 2 * PADDING_Y;
    this.content.push(
      `0.93 g ${MARGIN_X} ${fix(this.y - height)} ${fix(PAGE_WIDTH - 2 * MARGIN_X)} ${fix(height)} re f`,
    );
    this.drawRow(headings, this.bold, height);
    this.content.push(
      `0.53 G 0.5 w ${MARGIN_X} ${fix(this.y)} m ${fix(PAGE_WIDTH - MARGIN_X)} ${fix(this.y)} l S`,
    );
  }

  /** Draws one row of wrapped cells from the current line down, and moves below it. */
  private drawRow(lines: string[][], font: CachedFont, height: number): void {
    const ops = [`BT 0.07 g /${font.name} ${FONT_SIZE} Tf`];
    lines.forEach((cellLines, index) => {
      const box = this.boxes[index];
      cellLines.forEach((line, lineIndex) => {
        if (line === '') return;
        const baseline = this.y - PADDING_Y - (lineIndex + 1) * LINE_HEIGHT + 2;
        const x = box.numeric
          ? box.x + box.width - PADDING_X - font.width(line)
          : box.x + PADDING_X;
        ops.push(`1 0 0 1 ${fix(x)} ${fix(baseline)} Tm ${font.encode(line)} Tj`);
      });
    });
    ops.push('ET');
    this.content.push(ops.join('\n'));
    this.y -= height;
  }

  private flushPage(): void {
    if (!this.page) return;
    const { PDFRawStream } = pdfLib();
    const context = this.document.context;
    // Node's zlib, not pdf-lib's JavaScript deflate: it took a third of the time of a large table.
    const bytes = deflateSync(Buffer.from(this.content.join('\n'), 'latin1'), { level: 6 });
    const stream = PDFRawStream.of(context.obj({ Filter: 'FlateDecode' }), bytes);
    this.page.node.addContentStream(context.register(stream));
    this.content = [];
    this.page = undefined;
  }

  private cellLines(cell: string, box: ColumnBox): string[] {
    const room = box.width - 2 * PADDING_X;
    const text = cell.replace(/\p{Cc}+/gu, ' ');
    if (box.singleLine) return [this.fit(text, this.regular, room)];
    return this.wrap(text, this.regular, room, MAX_CELL_LINES);
  }

  /** The text on one line of `room` points, cut with an ellipsis when longer. */
  private fit(text: string, font: CachedFont, room: number): string {
    if (font.width(text) <= room) return text;
    const limit = room - font.width(ELLIPSIS);
    let width = 0;
    let kept = '';
    for (const char of text) {
      width += font.width(char);
      if (width > limit) break;
      kept += char;
    }
    return kept.trimEnd() + ELLIPSIS;
  }

  /** Greedy wrap at spaces (or anywhere in a long word) onto at most `maxLines` lines. */
  private wrap(text: string, font: CachedFont, room: number, maxLines: number): string[] {
    if (font.width(text) <= room) return [text];
    const lines: string[] = [];
    let rest = text.trim();
    while (rest !== '' && lines.length < maxLines - 1) {
      let width = 0;
      let end = 0;
      let lastSpace = -1;
      for (const char of rest) {
        width += font.width(char);
        if (width > room) break;
        if (char === ' ') lastSpace = end;
        end += char.length;
      }
      if (end >= rest.length) break;
      const cut = lastSpace > 0 ? lastSpace : Math.max(end, rest.codePointAt(0)! > 0xffff ? 2 : 1);
      lines.push(rest.slice(0, cut));
      rest = rest.slice(cut).trimStart();
    }
    if (rest !== '') lines.push(this.fit(rest, font, room));
    return lines;
  }
}

function fix(value: number): string {
  return value.toFixed(2);
}

/** Characters of 7pt text across the page, as the widths below are reckoned. */
const PAGE_WIDTH_CH = 190;
const CELL_PADDING_CH = 1.5;
/** Width of values that must not wrap (dates, amounts), in characters. */
const FIXED_WIDTH_CH: Partial<Record<ReportColumn['type'], (column: ReportColumn) => number>> = {
  date: () => 10,
  datetime: () => 19,
  money: (column) => Math.max(10, Math.min(column.width ?? 12, 12)),
  integer: (column) => Math.max(6, Math.min(column.width ?? 8, 12)),
  number: (column) => Math.max(8, Math.min(column.width ?? 12, 14)),
};

/**
 * Where each column sits: dates and amounts get the width they need unwrapped, text columns
 * share the rest by their `width`; with too many columns for the page all share it by weight.
 */
function columnBoxes(
  columns: ReportColumn[],
  headingWidth: (header: string) => number,
): ColumnBox[] {
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
      : weights;
  const total = widths.reduce((sum, width) => sum + width, 0);
  const usable = PAGE_WIDTH - 2 * MARGIN_X;
  const points = widths.map((width) => (width / total) * usable);
  // A heading's longest word fits unbroken where the page allows: the room comes from the
  // columns wider than their own heading.
  const needs = columns.map((column) =>
    Math.max(...column.header.split(' ').map((word) => headingWidth(word))),
  );
  const short = points.reduce((sum, width, i) => sum + Math.max(0, needs[i] - width), 0);
  const spare = points.reduce((sum, width, i) => sum + Math.max(0, width - needs[i]), 0);
  if (short > 0 && spare > short) {
    points.forEach((width, i) => {
      points[i] = width < needs[i] ? needs[i] : width - ((width - needs[i]) / spare) * short;
    });
  }
  let x = MARGIN_X;
  return columns.map((column, index) => {
    const width = points[index];
    const box = {
      x,
      width,
      numeric: NUMERIC_TYPES.has(column.type),
      singleLine: SINGLE_LINE_TYPES.has(column.type),
    };
    x += width;
    return box;
  });
}
