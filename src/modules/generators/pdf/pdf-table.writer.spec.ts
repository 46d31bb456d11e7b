import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PDFDocument } from 'pdf-lib';
import type { ReportColumn } from 'src/modules/generators/report-types/report-type-provider';
import { PdfTableWriter, TABLE_FONT_FILES } from './pdf-table.writer';

const COLUMNS: ReportColumn[] = [
  { key: 'name', header: 'Name', type: 'string', width: 30 },
  { key: 'amount', header: 'Amount', type: 'money', width: 12 },
];

let workDir: string;
beforeAll(() => (workDir = mkdtempSync(path.join(tmpdir(), 'pdf-table-spec-'))));
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

async function tableText(fontFiles: typeof TABLE_FONT_FILES, rows: string[][]) {
  const document = await PDFDocument.create();
  const table = await PdfTableWriter.create(document, COLUMNS, 'Fonts', fontFiles);
  rows.forEach((row) => table.addRow(row));
  table.finish(null);
  const file = path.join(workDir, `${Math.random().toString(36).slice(2)}.pdf`);
  writeFileSync(file, await document.save());
  return { text: execFileSync('pdftotext', ['-layout', file, '-']).toString(), table };
}

describe('PdfTableWriter', () => {
  it('prints Unicode with DejaVu Sans', async () => {
    const { text, table } = await tableText(TABLE_FONT_FILES, [['Привет café Ω', '1.00']]);
    expect(table.unicode).toBe(true);
    expect(text).toContain('Привет café Ω');
  });

  it('falls back to Helvetica without the font, printing ? for what WinAnsi lacks', async () => {
    const missing = { regular: '/nonexistent/DejaVuSans.ttf', bold: '/nonexistent/Bold.ttf' };
    const { text, table } = await tableText(missing, [['Привет café', '2.00']]);
    expect(table.unicode).toBe(false);
    expect(text).toContain('?????? café');
    expect(text).toContain('2.00');
  });

  it('starts a new page with the headings when one is full', async () => {
    const rows = Array.from({ length: 200 }, (_v, i) => [`row ${i}`, '1.00']);
    const { text, table } = await tableText(TABLE_FONT_FILES, rows);
    expect(table.pages).toBeGreaterThan(2);
    expect(text.match(/Name\s+Amount/g)).toHaveLength(table.pages);
    expect(text).toContain('row 199');
  });
});
