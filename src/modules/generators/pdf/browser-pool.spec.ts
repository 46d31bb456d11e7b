import type { AppConfigService } from 'src/config/app-config.service';
import { PermanentGenerationError } from '../generation.errors';
import { BrowserPool } from './browser-pool';

const poolAt = (chromiumPath: string) =>
  new BrowserPool({ values: { chromiumPath } } as AppConfigService);

describe('BrowserPool without a browser', () => {
  it('fails a render at once, permanently, saying what to install', async () => {
    const pool = poolAt('/nonexistent/chromium');
    const render = pool.renderPdf('<p>x</p>', {});
    await expect(render).rejects.toBeInstanceOf(PermanentGenerationError);
    await expect(render).rejects.toThrow(
      /no Chromium at \/nonexistent\/chromium \(install Debian's chromium package, or set CHROMIUM_PATH/,
    );
    await pool.onModuleDestroy();
  });

  it('names the problem for health checks, and none when the browser is there', () => {
    expect(poolAt('/nonexistent/chromium').browserProblem()).toMatch(
      /PDF rendering is unavailable/,
    );
    // Any executable stands in for the check: it looks for a runnable file, it launches nothing.
    expect(poolAt(process.execPath).browserProblem()).toBeNull();
  });

  it('refuses a file that exists but cannot be run', () => {
    expect(poolAt(__filename).browserProblem()).toMatch(/no Chromium at/);
  });
});
