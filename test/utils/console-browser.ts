import { AxeBuilder } from '@axe-core/playwright';
import type { AddressInfo } from 'node:net';
import {
  type Browser,
  type BrowserContext,
  type BrowserContextOptions,
  chromium,
  type Page,
} from 'playwright-core';
import { consoleDirectory } from 'src/common/http/console-static';
import { newMember, newOrg, scheduleBody, type TestMember, tokenFor } from 'test/factories';
import { clientFor } from './http-client';
import { useManualTicks } from './manual-ticks';
import { seedOrgData } from './seed-org';
import { type SmtpInbox, startSmtpInbox } from './smtp-inbox';
import { createTestApp, type TestApp } from './test-app';

/** Debian's Chromium, never a downloaded one; quiet: no network of its own, no updates. */
function launchChromium(): Promise<Browser> {
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
async function listen(t: TestApp): Promise<string> {
  if (!consoleDirectory()) throw new Error('dist/web is missing: run `npm run build` first');
  await t.app.listen(0, '127.0.0.1');
  const { port } = t.app.getHttpServer().address() as AddressInfo;
  return `http://127.0.0.1:${port}`;
}

export interface ConsoleFixtureOptions {
  /**
   * Runs the workers too (APP_ROLE=all), mailing an SMTP inbox of the file's own; the scheduler's
   * tick is stopped, so only "run now" runs anything. Off: the API alone.
   */
  workers?: boolean;
  /** More of the app's env (e.g. REPORT_MAX_ROWS). */
  env?: Record<string, string>;
  /** Billing data for the organization's reports to read. */
  seed?: Omit<Parameters<typeof seedOrgData>[0], 'orgId'>;
}

/** What a console spec works with; filled in by the fixture's beforeAll. */
export interface ConsoleFixture {
  t: TestApp;
  browser: Browser;
  /** `http://127.0.0.1:<port>`: the console is at `${base}/app/`. */
  base: string;
  /** The file's own organization: each spec file owns its data. */
  orgId: string;
  /** Only with `workers`. */
  inbox: SmtpInbox;
  /** A member of the organization (an editor unless told). */
  member(overrides?: Parameters<typeof newMember>[1]): TestMember;
  /** supertest calls as `member`. */
  as(member: TestMember): ReturnType<typeof clientFor>;
  /** Creates a schedule through the API (scheduleBody with `overrides`); resolves with its id. */
  createSchedule(member: TestMember, overrides?: Record<string, unknown>): Promise<string>;
  /** A browser context of its own, in the viewer's zone and language (UTC, en-US unless told). */
  newContext(context?: BrowserContextOptions): Promise<BrowserContext>;
  /**
   * A page signed in as `member` the way `npm run demo`'s URL does it (#token=…), in a context
   * of its own.
   */
  signedIn(member: TestMember, context?: BrowserContextOptions): Promise<Page>;
}

/**
 * The setup every console spec file shares, as jest hooks of the calling describe: one browser
 * and one app per file, on a fresh organization. Contexts a test opened are closed after it,
 * and the browser, app and inbox after the file, whatever failed before.
 */
export function consoleFixture(options: ConsoleFixtureOptions = {}): ConsoleFixture {
  const fixture = {
    member: (overrides = {}) => newMember(fixture.orgId, overrides),
    as: (member) => clientFor(fixture.t, member),
    async createSchedule(member, overrides = {}) {
      const res = await fixture
        .as(member)
        .post('/api/scheduled-reports', scheduleBody(overrides))
        .expect(201);
      return res.body.id as string;
    },
    newContext: (context = {}) =>
      fixture.browser.newContext({ timezoneId: 'UTC', locale: 'en-US', ...context }),
    async signedIn(member, context = {}) {
      const page = await (await fixture.newContext(context)).newPage();
      await page.goto(`${fixture.base}/app/#token=${tokenFor(member, { expiresIn: 3600 })}`);
      await page.getByRole('button', { name: 'Sign out' }).waitFor();
      return page;
    },
  } as ConsoleFixture;

  beforeAll(async () => {
    if (options.workers) fixture.inbox = await startSmtpInbox();
    const env = { ...(fixture.inbox ? { SMTP_URL: fixture.inbox.url } : {}), ...options.env };
    // Each is kept as soon as it exists, so afterAll closes it even if the other failed to start.
    await Promise.all([
      createTestApp({ role: options.workers ? 'all' : 'api', env }).then((t) => (fixture.t = t)),
      launchChromium().then((browser) => (fixture.browser = browser)),
    ]);
    if (options.workers) useManualTicks(fixture.t.app);
    fixture.base = await listen(fixture.t);
    fixture.orgId = (await newOrg(fixture.t.db)).id;
    if (options.seed) await seedOrgData({ orgId: fixture.orgId, ...options.seed });
  });
  afterEach(async () => {
    await Promise.all(fixture.browser?.contexts().map((context) => context.close()) ?? []);
  });
  afterAll(async () => {
    // Browser first: its open event streams would hold the app's server open. Every step runs
    // even when one before it threw, so no process is left behind to keep jest from exiting.
    const steps = [
      () => fixture.browser?.close(),
      () => fixture.t?.close(),
      () => fixture.inbox?.stop(),
    ];
    const errors: unknown[] = [];
    for (const step of steps)
      await Promise.resolve()
        .then(step)
        .catch((e) => errors.push(e));
    if (errors.length) throw errors[0];
  });
  return fixture;
}

/** Fails the test with each WCAG 2.1 A and AA violation on the page as it is, as a line. */
export async function expectNoViolations(page: Page): Promise<void> {
  const result = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze();
  const violations = result.violations.map(
    (v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`,
  );
  expect(violations).toEqual([]);
}

/** The wizard's next step. */
export const nextStep = (page: Page) => page.getByRole('button', { name: 'Next' }).click();
