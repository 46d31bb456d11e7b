import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { accessSync, constants } from 'node:fs';
import type { Browser, Page, PDFOptions, PuppeteerNode } from 'puppeteer';
import { lazyModule } from 'src/common/lazy-module';

// eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use (lazyModule)
const puppeteer = lazyModule<PuppeteerNode>(() => require('puppeteer').default);
import { AppConfigService } from 'src/config/app-config.service';
import { PermanentGenerationError } from '../generation.errors';

const DEFAULT_CHROMIUM_PATH = '/usr/bin/chromium';
/** One print of 10K rows took 3 GB here; two at a time bounds the worker's memory. */
const MAX_PAGES = 2;
const DEFAULT_RENDER_TIMEOUT_MS = 60_000;
const LAUNCH_ARGS = [
  // Containers run as root without user namespaces; pages never run scripts nor fetch anything.
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-default-apps',
];

/**
 * One shared headless Chromium for printing HTML to PDF. Pages run no JavaScript and every request
 * they make is aborted: the document comes in through `setContent`, which makes no request, so
 * report text can never reach the network or the file system. The browser is launched on first
 * use and again after it crashes or disconnects; each render has a hard timeout.
 */
@Injectable()
export class BrowserPool implements OnModuleDestroy {
  private readonly logger = new Logger(BrowserPool.name);
  private browser?: Promise<Browser>;
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  private closed = false;

  constructor(private readonly config: AppConfigService) {}

  /** Prints `html` to PDF bytes on a locked-down page, failing after `timeoutMs`. */
  async renderPdf(
    html: string,
    options: PDFOptions,
    timeoutMs = DEFAULT_RENDER_TIMEOUT_MS,
  ): Promise<Uint8Array> {
    return this.withPage(async (page) => {
      await page.setContent(html, { waitUntil: 'load', timeout: timeoutMs });
      return page.pdf({ ...options, timeout: timeoutMs });
    }, timeoutMs);
  }

  /**
   * Runs `work` on a fresh locked-down page, closed afterwards. Past `timeoutMs` the page is closed
   * (which also stops a print in progress) and the call rejects.
   */
  async withPage<T>(
    work: (page: Page) => Promise<T>,
    timeoutMs = DEFAULT_RENDER_TIMEOUT_MS,
  ): Promise<T> {
    await this.acquire();
    let page: Page | undefined;
    let timer: NodeJS.Timeout | undefined;
    try {
      const browser = await this.getBrowser();
      page = await browser.newPage();
      await page.setJavaScriptEnabled(false);
      await page.setRequestInterception(true);
      page.on('request', (request) => {
        if (request.isInterceptResolutionHandled()) return;
        this.logger.warn(`blocked a request from a report page: ${request.url().slice(0, 200)}`);
        request.abort('blockedbyclient').catch(() => undefined);
      });
      const opened = page;
      const timeout = new Promise<never>((_resolve, reject) => {
        timer = setTimeout(() => {
          opened.close().catch(() => undefined);
          reject(new Error(`PDF render timed out after ${timeoutMs} ms`));
        }, timeoutMs);
      });
      return await Promise.race([work(page), timeout]);
    } finally {
      clearTimeout(timer);
      if (page && !page.isClosed()) await page.close().catch(() => undefined);
      this.release();
    }
  }

  /** The running browser, launching one if there is none or the last one died. */
  async getBrowser(): Promise<Browser> {
    if (this.closed) throw new Error('the browser pool is closed');
    const pending = this.browser;
    if (pending) {
      const browser = await pending.catch(() => undefined);
      if (browser?.connected) return browser;
      // Another caller may have started the replacement while this one waited.
      if (this.browser !== pending) return this.getBrowser();
      // A crashed browser can leave its process tree behind.
      browser?.process()?.kill('SIGKILL');
    }
    this.browser = this.launch();
    return this.browser;
  }

  /**
   * Readiness: the running browser answers; with none running (before the first PDF, or after a
   * crash the next render recovers from) its executable is there to launch. Never launches one.
   */
  async probe(): Promise<void> {
    const running = await this.browser?.catch(() => undefined);
    if (running?.connected) {
      await running.version();
      return;
    }
    const problem = this.browserProblem();
    if (problem) throw new Error(problem);
  }

  async onModuleDestroy(): Promise<void> {
    this.closed = true;
    const browser = await this.browser?.catch(() => undefined);
    this.browser = undefined;
    await browser?.close().catch(() => undefined);
  }

  /** Where the browser should be; null when nothing runnable is there. */
  browserProblem(): string | null {
    const executablePath = this.executablePath;
    try {
      accessSync(executablePath, constants.X_OK);
      return null;
    } catch {
      return (
        `PDF rendering is unavailable: no Chromium at ${executablePath} ` +
        "(install Debian's chromium package, or set CHROMIUM_PATH to a Chromium binary)"
      );
    }
  }

  private get executablePath(): string {
    return this.config.values.chromiumPath ?? DEFAULT_CHROMIUM_PATH;
  }

  private launch(): Promise<Browser> {
    // No browser is a setup problem no retry can fix: the run fails at once, saying so.
    const problem = this.browserProblem();
    if (problem) return Promise.reject(new PermanentGenerationError(problem));
    const launched = puppeteer()
      .launch({ executablePath: this.executablePath, headless: true, args: LAUNCH_ARGS })
      .then((browser) => {
        browser.once('disconnected', () => {
          this.logger.warn('Chromium disconnected; the next render relaunches it');
        });
        return browser;
      });
    // A failed launch is reported to its caller; the next call tries again.
    launched.catch(() => undefined);
    return launched;
  }

  private async acquire(): Promise<void> {
    if (this.active < MAX_PAGES) {
      this.active += 1;
      return;
    }
    // The slot passes straight from release() to the waiter, so `active` stays counted.
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.active -= 1;
  }
}
