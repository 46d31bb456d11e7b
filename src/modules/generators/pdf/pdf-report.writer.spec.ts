import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { PDFDocument } from 'pdf-lib';
import type { AppConfigService } from 'src/config/app-config.service';
import { INVOICE_SUMMARY_COLUMNS } from 'src/modules/generators/report-data/invoice-summary.query';
import { processTreeMemoryMb } from 'test/utils/process-tree-rss';
import { BrowserPool } from './browser-pool';
import { writePdfReport } from './pdf-report.writer';

// These specs print with the real Chromium: without it they fail rather than pass vacuously.
const CHROMIUM = '/usr/bin/chromium';

jest.setTimeout(60_000);

let pool: BrowserPool;
let workDir: string;

beforeAll(() => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium is missing at ${CHROMIUM}: install the chromium package to run these`,
    );
  }
  pool = new BrowserPool({ values: { chromiumPath: CHROMIUM } } as AppConfigService);
  workDir = mkdtempSync(path.join(tmpdir(), 'pdf-report-spec-'));
});

afterAll(async () => {
  await pool?.onModuleDestroy();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

const HOSTILE_NAME = '<script>alert(1)</script>';
const HOSTILE_EMAIL = '<img src=x onerror=alert(2)>';
const FORMULA = '=HYPERLINK("http://x.example","y")';

/** Invoice-summary-shaped rows; `produced` counts what the consumer actually pulled. */
function invoiceRows(count: number, produced = { rows: 0 }) {
  return (async function* () {
    for (let i = 1; i <= count; i += 1) {
      produced.rows += 1;
      yield {
        invoice_number: `INV-${String(i).padStart(6, '0')}`,
        issued_at: '2025-03-01 09:30:00',
        due_date: '2025-03-31',
        status: 'open',
        customer_name: i === 1 ? HOSTILE_NAME : i === 3 ? FORMULA : `Customer ${i % 97}`,
        customer_email: i === 2 ? HOSTILE_EMAIL : `billing${i % 97}@example.com`,
        currency: 'EUR',
        subtotal: '1000.00',
        tax: '210.00',
        total: '1210.00',
        amount_paid: i % 3 === 0 ? '1210.00' : '0.00',
        balance: i % 3 === 0 ? '0.00' : '1210.00',
      };
    }
  })();
}

async function collect(output: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of output) parts.push(part as Buffer);
  return Buffer.concat(parts);
}

/** The PDF's text as poppler extracts it, and its page count. */
async function readPdf(bytes: Buffer, name: string): Promise<{ text: string; pages: number }> {
  const file = path.join(workDir, `${name}.pdf`);
  writeFileSync(file, bytes);
  const text = execFileSync('pdftotext', [file, '-'], { maxBuffer: 256 * 1024 * 1024 }).toString();
  const pages = (await PDFDocument.load(bytes)).getPageCount();
  return { text, pages };
}

const invoiceNumbers = (text: string) => text.match(/INV-\d{6}/g) ?? [];

describe('writePdfReport', () => {
  it('heads the table with a summary page and prints hostile HTML and formulas as text', async () => {
    const { output, done } = writePdfReport(
      invoiceRows(50),
      INVOICE_SUMMARY_COLUMNS,
      {
        title: 'Invoice summary',
        summary: [
          { label: 'Period', value: '2025-03-01 to 2025-03-31' },
          { label: 'Invoices', value: 50 },
        ],
        brandName: 'Acme Billing',
        dataAsOf: '2025-04-01 06:00 Europe/Berlin',
      },
      pool,
    );
    const bytes = await collect(output);
    const result = await done;
    expect(result.rows).toBe(50);
    expect(result.totals.totals).toEqual([
      { period: '2025-03', currency: 'EUR', rows: 50, amount: '60500.00' },
    ]);
    expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');

    const { text, pages } = await readPdf(bytes, 'small');
    // The summary page, then the 50 rows on one table page.
    expect(pages).toBe(2);
    const [summaryPage, tablePage] = text.split('\f');
    expect(summaryPage).toContain('Invoice summary');
    expect(summaryPage).toContain('Acme Billing');
    expect(summaryPage).toContain('2025-03-01 to 2025-03-31');
    expect(summaryPage).toContain('Data as of 2025-04-01 06:00 Europe/Berlin');
    expect(summaryPage).toContain('Totals by Issued');
    expect(summaryPage).toContain('60500.00');
    expect(summaryPage).toContain('Page 1 of 2');
    // A narrow column may wrap the text; the characters must all be there, unrendered.
    const joined = tablePage.replace(/\s+/g, '');
    expect(joined).toContain(HOSTILE_NAME);
    expect(joined).toContain(HOSTILE_EMAIL.replace(/\s+/g, ''));
    // pdftotext interleaves a wrapped cell with its neighbour's line; both halves are there.
    expect(joined).toContain(FORMULA.slice(0, 31));
    expect(joined).toContain(FORMULA.slice(31));
    expect(tablePage).toContain('Page 2 of 2');
    expect(new Set(invoiceNumbers(tablePage)).size).toBe(50);
  });

  it('prints Unicode, and wraps a long cell onto three lines ending with an ellipsis', async () => {
    const long = `Ünïcødé Ωμέγα Привет € ${'word '.repeat(60)}END`;
    const rows = (async function* () {
      yield* [{ invoice_number: 'INV-000001', customer_name: long, total: '1.00' }];
    })();
    const { output, done } = writePdfReport(
      rows,
      INVOICE_SUMMARY_COLUMNS,
      { title: 'Unicode', summary: [] },
      pool,
    );
    const { text } = await readPdf(await collect(output), 'unicode');
    await expect(done).resolves.toMatchObject({ rows: 1 });
    const table = text.split('\f')[1];
    expect(table).toContain('Ünïcødé Ωμέγα Привет €');
    expect(table).toContain('\u2026');
    expect(table).not.toContain('END');
    const lines = table.split('\n').filter((line) => /word/.test(line));
    expect(lines.length).toBe(3);
  });

  it('repeats the column headings on every page and numbers every page, one print only', async () => {
    const prints = jest.spyOn(pool, 'renderPdf');
    const { output, done } = writePdfReport(
      invoiceRows(5_000),
      INVOICE_SUMMARY_COLUMNS,
      { title: 'Invoice summary', summary: [] },
      pool,
    );
    const bytes = await collect(output);
    await expect(done).resolves.toMatchObject({ rows: 5_000 });
    // Chromium prints the summary page only; the table is drawn directly.
    expect(prints).toHaveBeenCalledTimes(1);
    prints.mockRestore();

    const { text, pages } = await readPdf(bytes, 'large');
    expect(pages).toBeGreaterThan(50);
    const pageTexts = text.split('\f').slice(0, pages);
    pageTexts.forEach((page, index) => {
      expect(page).toContain(`Page ${index + 1} of ${pages}`);
      if (index > 0) expect(page).toContain('Customer email');
    });
    const numbers = invoiceNumbers(text);
    expect(numbers).toHaveLength(5_000);
    expect(numbers).toEqual([...numbers].sort());
    // The summary is printed once, on the first page.
    expect(text.match(/Data as of/g)).toHaveLength(1);
  });

  it('prints 50,000 rows in bounded memory, Chromium under 1 GB', async () => {
    const browser = await pool.getBrowser();
    const before = process.memoryUsage().rss;
    let peakNode = before;
    let peakChromiumMb = 0;
    const sample = () => {
      peakNode = Math.max(peakNode, process.memoryUsage().rss);
      // PSS: summed RSS counts the pages Chromium's processes share once per process.
      const { pss } = processTreeMemoryMb(browser.process()?.pid ?? -1);
      peakChromiumMb = Math.max(peakChromiumMb, pss);
    };
    const sampler = setInterval(sample, 100);
    const { output, done } = writePdfReport(
      invoiceRows(50_000),
      INVOICE_SUMMARY_COLUMNS,
      { title: 'Invoice summary', summary: [] },
      pool,
    );
    let size = 0;
    for await (const part of output) size += (part as Buffer).length;
    clearInterval(sampler);
    sample();
    await expect(done).resolves.toMatchObject({ rows: 50_000 });
    const growthMb = Math.round((peakNode - before) / 1024 / 1024);
    console.log(
      `50,000 rows: ${(size / 1024 / 1024).toFixed(1)} MB of PDF; node grew ${growthMb} MB,` +
        ` Chromium peak PSS ${peakChromiumMb} MB`,
    );
    // The pages are held compressed (~4 MB here); the old HTML path grew by gigabytes.
    expect(growthMb).toBeLessThan(400);
    expect(peakChromiumMb).toBeGreaterThan(0);
    expect(peakChromiumMb).toBeLessThan(1024);
  }, 240_000);

  it('stops reading past maxRows and ends with a note', async () => {
    const produced = { rows: 0 };
    const { output, done } = writePdfReport(
      invoiceRows(250, produced),
      INVOICE_SUMMARY_COLUMNS,
      { title: 'Capped', summary: [], maxRows: 100 },
      pool,
    );
    const bytes = await collect(output);
    await expect(done).resolves.toMatchObject({ rows: 100 });
    expect(produced.rows).toBe(101);

    const { text } = await readPdf(bytes, 'capped');
    const table = text.split('\f').slice(1).join('\n');
    expect(table.replace(/\s+/g, ' ')).toContain(
      'This PDF shows the first 100 rows of 101+ rows; download the CSV or XLSX for the full data.',
    );
    expect(new Set(invoiceNumbers(text)).size).toBe(100);
    expect(text).not.toContain('INV-000101');
  });

  it('says so when there are no rows', async () => {
    const { output, done } = writePdfReport(
      invoiceRows(0),
      INVOICE_SUMMARY_COLUMNS,
      { title: 'Empty', summary: [] },
      pool,
    );
    const { text, pages } = await readPdf(await collect(output), 'empty');
    await expect(done).resolves.toMatchObject({ rows: 0, totals: { totals: [] } });
    expect(pages).toBe(1);
    expect(text).toContain('No rows for these parameters.');
    expect(text).toContain('Page 1 of 1');
  });

  it('rejects done and destroys output when the rows fail', async () => {
    const failing = (async function* () {
      yield { invoice_number: 'INV-000001' };
      throw new Error('query failed');
    })();
    const { output, done } = writePdfReport(
      failing,
      INVOICE_SUMMARY_COLUMNS,
      { title: 'x', summary: [] },
      pool,
    );
    await expect(done).rejects.toThrow('query failed');
    await expect(collect(output)).rejects.toThrow('query failed');
  });

  it('fails when the summary page cannot be printed', async () => {
    const render = jest.spyOn(pool, 'renderPdf');
    render.mockImplementationOnce(async () => Promise.reject(new Error('print crashed')));
    const { output, done } = writePdfReport(
      invoiceRows(30),
      INVOICE_SUMMARY_COLUMNS,
      { title: 'x', summary: [] },
      pool,
    );
    await expect(collect(output)).rejects.toThrow('print crashed');
    await expect(done).rejects.toThrow('print crashed');
    render.mockRestore();
  });
});

describe('BrowserPool', () => {
  let server: Server;
  let connections = 0;

  beforeAll(async () => {
    server = createServer((socket) => {
      connections += 1;
      socket.destroy();
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('aborts every request a page makes, remote or file', async () => {
    const { port } = server.address() as AddressInfo;
    const urls = [
      `http://127.0.0.1:${port}/x.png`,
      'file:///etc/passwd',
      `http://127.0.0.1:${port}/style.css`,
    ];
    const failed = await pool.withPage(async (page) => {
      const aborted: string[] = [];
      page.on('requestfailed', (request) => aborted.push(request.url()));
      await page.setContent(
        `<html><head><link rel="stylesheet" href="${urls[2]}"><link rel="preload" as="fetch"` +
          ` href="${urls[1]}"></head><body><img src="${urls[0]}"><p>hello</p></body></html>`,
        { waitUntil: 'load' },
      );
      return aborted;
    });
    expect(failed).toEqual(expect.arrayContaining([urls[0], urls[2]]));
    // Chromium itself refuses file:// from about:blank, or we abort it: either way nothing is read.
    expect(connections).toBe(0);
  });

  it('fails a render that exceeds its timeout', async () => {
    await expect(pool.renderPdf('<p>slow</p>', {}, 1)).rejects.toThrow(/timed out/);
    // The pool still works afterwards.
    await expect(pool.renderPdf('<p>ok</p>', {})).resolves.toBeInstanceOf(Uint8Array);
  });

  it('relaunches Chromium after it is killed', async () => {
    const browser = await pool.getBrowser();
    const pid = browser.process()?.pid;
    const disconnected = new Promise<void>((resolve) =>
      browser.once('disconnected', () => resolve()),
    );
    browser.process()?.kill('SIGKILL');
    await disconnected;

    const bytes = await pool.renderPdf('<p>after the crash</p>', {});
    expect(Buffer.from(bytes).subarray(0, 5).toString()).toBe('%PDF-');
    const relaunched = await pool.getBrowser();
    expect(relaunched.connected).toBe(true);
    expect(relaunched.process()?.pid).not.toBe(pid);
  });
});
