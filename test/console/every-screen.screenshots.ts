// `npm run console:screenshots`: every console screen as docs/screenshots/*.png, with real data
// from the real app (the README shows them). Not part of `npm test`.
import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import type { TestMember } from 'test/factories';
import { consoleFixture } from 'test/utils/console-browser';

jest.setTimeout(180_000);

const OUT = join(__dirname, '..', '..', 'docs', 'screenshots');

describe('console screenshots', () => {
  const c = consoleFixture({
    workers: true,
    seed: { invoices: 300, usageEvents: 50, customers: 8 },
  });
  let admin: TestMember;

  beforeAll(async () => {
    mkdirSync(OUT, { recursive: true });
    admin = c.member({ roles: ['admin'], name: 'Ada Admin', email: 'ada@acme.example' });
    await c.createSchedule(admin, {
      name: 'Monthly revenue by customer',
      report_type: 'revenue_by_customer',
      report_parameters: { date_range: { preset: 'previous_month' } },
      schedule_config: {
        cadence: 'monthly',
        time: '07:00',
        timezone: 'Europe/London',
        day_of_month: 31,
      },
    });
    await c.createSchedule(admin, {
      name: 'Business-day usage',
      report_type: 'usage_report',
      report_parameters: { date_range: { preset: 'yesterday' } },
      schedule_config: {
        cadence: 'cron',
        cron_expression: '30 6 * * 1-5',
        timezone: 'America/Los_Angeles',
        business_days_only: true,
        holiday_calendar: 'US-CA',
      },
      recipients: [
        { type: 'email', value: 'ops@acme.example' },
        { type: 'slack_channel', value: '#ops' },
      ],
    });
    await c.createSchedule(admin, { name: 'Weekly invoices' });
  });

  const shots: string[] = [];
  async function shot(page: Page, name: string) {
    await page.evaluate('document.activeElement && document.activeElement.blur()');
    await page.screenshot({ path: join(OUT, `${name}.png`), fullPage: true });
    shots.push(name);
  }

  it('takes every screen', async () => {
    const context = { viewport: { width: 1280, height: 800 }, timezoneId: 'Europe/Berlin' };
    const signIn = await (await c.newContext(context)).newPage();
    await signIn.goto(`${c.base}/app/`);
    await signIn.getByLabel('Access token').waitFor();
    await shot(signIn, 'sign-in');

    const page = await c.signedIn(admin, { ...context, locale: 'en-GB' });
    // A run first, so the dashboard, history and detail have something to show.
    await page
      .getByRole('row', { name: /Weekly invoices/ })
      .getByRole('button', { name: /Run now/ })
      .click();
    await page.getByTestId('timeline').getByText('completed').waitFor({ timeout: 60_000 });
    await page
      .getByRole('row', { name: /finance@acme/ })
      .getByText('sent')
      .waitFor();
    await shot(page, 'execution-detail');
    await page.getByRole('link', { name: '← History' }).click();
    await page.getByRole('row', { name: /manual/ }).waitFor();
    await shot(page, 'history');
    await page.getByRole('link', { name: 'Schedules', exact: true }).click();
    await page
      .getByRole('row', { name: /Weekly invoices/ })
      .getByText('completed')
      .waitFor();
    await shot(page, 'dashboard');

    await page.getByRole('link', { name: 'New report' }).first().click();
    await page.getByLabel('Invoice summary').check();
    await shot(page, 'wizard-1-report-type');
    await page.getByRole('button', { name: 'Next' }).click();
    await shot(page, 'wizard-2-parameters');
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByLabel('Run', { exact: true }).selectOption('daily');
    await page.getByLabel('at', { exact: true }).fill('02:30');
    await page.getByLabel('Time zone').fill('America/New_York');
    await page.getByLabel(/Show runs from/).fill('2027-03-12');
    await page.locator('.runs .note').first().waitFor();
    await shot(page, 'wizard-3-schedule-preview');
    await page.getByLabel('Advanced: cron').check();
    await page.getByLabel(/Show runs from/).fill('');
    await page.locator('.runs li').first().waitFor();
    await shot(page, 'wizard-3-schedule-cron');
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByLabel('Address').fill('finance@acme.example');
    await shot(page, 'wizard-4-recipients');
    await page.getByRole('button', { name: 'Next' }).click();
    await shot(page, 'wizard-5-format');
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByLabel('Name').fill('Daily invoices (New York)');
    await shot(page, 'wizard-6-review');

    await page.getByRole('link', { name: 'Admin' }).click();
    await page.getByRole('row').nth(1).waitFor();
    await shot(page, 'admin');

    for (const name of shots) expect(statSync(join(OUT, `${name}.png`)).size).toBeGreaterThan(5000);
  });
});
