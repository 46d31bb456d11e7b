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
import { processTreeRssMb } from 'test/utils/process-tree-rss';
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
        customer_name: i === 1 ? HOSTILE_NAME : `Customer ${i % 97}`,
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
  it('prints title, summary and hostile HTML as literal text on one numbered page', async () => {
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
    await expect(done).resolves.toEqual({ rows: 50 });
    expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');

    const { text, pages } = await readPdf(bytes, 'small');
    expect(pages).toBe(1);
    expect(text).toContain('Invoice summary');
    expect(text).toContain('Acme Billing');
    expect(text).toContain('2025-03-01 to 2025-03-31');
    expect(text).toContain('Data as of 2025-04-01 06:00 Europe/Berlin');
    // A narrow column may wrap the text; the characters must all be there, unrendered.
    const joined = text.replace(/\s+/g, '');
    expect(joined).toContain(HOSTILE_NAME);
    expect(joined).toContain(HOSTILE_EMAIL.replace(/\s+/g, ''));
    expect(text).toContain('Page 1 of 1');
    expect(new Set(invoiceNumbers(text)).size).toBe(50);
  });

  it('prints 5,000 rows in five chunks, two at a time, merged in order and numbered', async () => {
    const prints = jest.spyOn(pool, 'renderPdf');
    const started = Date.now();
    let peakRssMb = 0;
    const browser = await pool.getBrowser();
    const sampler = setInterval(() => {
      peakRssMb = Math.max(peakRssMb, processTreeRssMb(browser.process()?.pid ?? -1));
    }, 250);
    const { output, done } = writePdfReport(
      invoiceRows(5_000),
      INVOICE_SUMMARY_COLUMNS,
      { title: 'Invoice summary', summary: [] },
      pool,
    );
    const bytes = await collect(output);
    clearInterval(sampler);
    await expect(done).resolves.toEqual({ rows: 5_000 });
    const seconds = (Date.now() - started) / 1000;
    expect(prints).toHaveBeenCalledTimes(5);
    // Merging drops Chromium's structure tree, so chunks of a larger report are printed untagged.
    expect(prints.mock.calls.map(([, options]) => options.tagged)).toEqual(Array(5).fill(false));
    prints.mockRestore();

    const { text, pages } = await readPdf(bytes, 'large');
    console.log(
      `5,000 rows: ${seconds.toFixed(1)} s, ${pages} pages, ${(bytes.length / 1024).toFixed(0)} KB,` +
        ` Chromium peak RSS ~${peakRssMb} MB (browser + renderers)`,
    );
    expect(pages).toBeGreaterThan(3);
    for (let page = 1; page <= pages; page += 1) {
      expect(text).toContain(`Page ${page} of ${pages}`);
    }
    const numbers = invoiceNumbers(text);
    expect(numbers).toHaveLength(5_000);
    expect(new Set(numbers).size).toBe(5_000);
    // Chunks printed in parallel still come out in row order.
    expect(numbers).toEqual([...numbers].sort());
    // The header block is printed once, with the first chunk.
    expect(text.match(/Data as of/g)).toHaveLength(1);
    expect(seconds).toBeLessThan(45);
  });

  it('stops reading past maxRows and ends with a note', async () => {
    const produced = { rows: 0 };
    const { output, done } = writePdfReport(
      invoiceRows(250, produced),
      INVOICE_SUMMARY_COLUMNS,
      { title: 'Capped', summary: [], maxRows: 100, chunkRows: 40 },
      pool,
    );
    const bytes = await collect(output);
    await expect(done).resolves.toEqual({ rows: 100 });
    expect(produced.rows).toBe(101);

    const { text } = await readPdf(bytes, 'capped');
    expect(text.replace(/\s+/g, ' ')).toContain(
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
    const { text } = await readPdf(await collect(output), 'empty');
    await expect(done).resolves.toEqual({ rows: 0 });
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

  it('fails when one of the parallel prints fails, after the other has finished', async () => {
    const render = jest.spyOn(pool, 'renderPdf');
    render.mockImplementationOnce(async () => Promise.reject(new Error('print crashed')));
    const { output, done } = writePdfReport(
      invoiceRows(30),
      INVOICE_SUMMARY_COLUMNS,
      { title: 'x', summary: [], chunkRows: 10 },
      pool,
    );
    await expect(collect(output)).rejects.toThrow('print crashed');
    await expect(done).rejects.toThrow('print crashed');
    const settled = await Promise.allSettled(render.mock.results.map((r) => r.value));
    expect(settled.map((r) => r.status)).toEqual(['rejected', 'fulfilled', 'fulfilled']);
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
