import { AxeBuilder } from '@axe-core/playwright';
import type { AddressInfo } from 'node:net';
import { type Browser, type BrowserContextOptions, chromium, type Page } from 'playwright-core';
import { consoleDirectory } from 'src/common/http/console-static';
import { type TestMember, tokenFor } from 'test/factories';
import type { TestApp } from './test-app';

/** Debian's Chromium, never a downloaded one; quiet: no network of its own, no updates. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** The test app on a free local port, for the browser. */
export async function listen(t: TestApp): Promise<string> {
  if (!consoleDirectory()) throw new Error('dist/web is missing: run `npm run build` first');
  await t.app.listen(0, '127.0.0.1');
  const { port } = t.app.getHttpServer().address() as AddressInfo;
  return `http://127.0.0.1:${port}`;
}

/**
 * A page signed in as `member` the way `npm run demo`'s URL does it (#token=…), in a context of
 * its own with the viewer's zone and language.
 */
export async function signedIn(
  browser: Browser,
  base: string,
  member: TestMember,
  context: BrowserContextOptions = {},
): Promise<Page> {
  const ctx = await browser.newContext({ timezoneId: 'UTC', locale: 'en-US', ...context });
  const page = await ctx.newPage();
  await page.goto(`${base}/app/#token=${tokenFor(member, { expiresIn: 3600 })}`);
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
  return page;
}

/** WCAG 2.1 A and AA violations on the page as it is, as readable lines ([] when none). */
export async function accessibilityViolations(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze();
  return result.violations.map(
    (v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`,
  );
}
