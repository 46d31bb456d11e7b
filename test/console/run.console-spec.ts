import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { newMember, newOrg, scheduleBody, TestMember, tokenFor } from 'test/factories';
import {
  accessibilityViolations,
  launchChromium,
  listen,
  signedIn,
} from 'test/utils/console-browser';
import { useManualTicks } from 'test/utils/manual-ticks';
import { runReportNow } from 'test/utils/run-report';
import { seedOrgData } from 'test/utils/seed-org';
import { SmtpInbox, startSmtpInbox } from 'test/utils/smtp-inbox';
import { createTestApp, TestApp } from 'test/utils/test-app';

jest.setTimeout(90_000);

describe('console: run now, the live timeline, deliveries and the download', () => {
  let t: TestApp;
  let inbox: SmtpInbox;
  let browser: Browser;
  let base: string;
  let editor: TestMember;

  beforeAll(async () => {
    inbox = await startSmtpInbox();
    [t, browser] = await Promise.all([
      createTestApp({ role: 'all', env: { SMTP_URL: inbox.url } }),
      launchChromium(),
    ]);
    useManualTicks(t.app);
    base = await listen(t);
    const orgId = (await newOrg(t.db)).id;
    editor = newMember(orgId, { roles: ['editor'] });
    await seedOrgData({ orgId, invoices: 200, usageEvents: 20, customers: 5 });
    await t
      .http()
      .post('/api/scheduled-reports')
      .set('Authorization', `Bearer ${tokenFor(editor)}`)
      .send(scheduleBody({ name: 'Invoices to run now' }))
      .expect(201);
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await inbox?.stop();
  });

  const noViolations = async (page: Page) =>
    expect(await accessibilityViolations(page)).toEqual([]);

  it('run now → the SSE timeline reaches completed → deliveries sent → the file downloads', async () => {
    const page = await signedIn(browser, base, editor, {
      timezoneId: 'America/Chicago',
      locale: 'en-US',
      acceptDownloads: true,
    });
    const streams: string[] = [];
    page.on(
      'request',
      (r) => /\/report-executions\/[^/]+\/events$/.test(r.url()) && streams.push(r.url()),
    );
    const row = page.getByRole('row', { name: /Invoices to run now/ });
    await row.getByRole('button', { name: /Run now/ }).click();
    await page.getByRole('heading', { name: 'Run of “Invoices to run now”' }).waitFor();
    expect(page.url()).toMatch(/\/app\/executions\/[0-9a-f-]{36}$/);

    // Only the event stream (fetch with the bearer token) feeds the timeline; a fast run may
    // have finished before it opened, so its first event can already be the last.
    const timeline = page.getByTestId('timeline');
    await timeline.getByText('completed').waitFor({ timeout: 60_000 });
    const delivery = page.getByRole('row', { name: /finance@acme\.example/ });
    await delivery.getByText('sent').waitFor({ timeout: 30_000 });
    expect((await inbox.waitForMessagesTo('finance@acme.example', 1)).length).toBe(1);
    await noViolations(page);

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download' }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/\.csv$/);
    const csv = readFileSync((await download.path())!, 'utf8');
    expect(csv.split('\n')[0]).toMatch(/invoice/i);

    await page.getByRole('button', { name: 'Copy link' }).click();
    const link = page.getByLabel(/Signed link, valid until/);
    await link.waitFor();
    expect(await link.inputValue()).toMatch(/^https?:\/\/[^/]+\/api\/files\/[\w.-]+$/);

    // The server ended the stream after "completed"; a reconnect would have come a second later.
    expect(streams).toHaveLength(1);

    await page.getByRole('link', { name: '← History' }).click();
    await page.getByRole('heading', { name: 'History of “Invoices to run now”' }).waitFor();
    const runRow = page.getByRole('row', { name: /manual/ });
    await runRow.getByText('completed').waitFor();
    await noViolations(page);
    await page.context().close();
  });

  it('a bounced delivery shows its error, and Retry sends it again', async () => {
    await t
      .http()
      .post('/api/scheduled-reports')
      .set('Authorization', `Bearer ${tokenFor(editor)}`)
      .send(
        scheduleBody({
          name: 'Bounces once',
          recipients: [{ type: 'email', value: 'flaky@acme.example' }],
        }),
      )
      .expect(201);
    inbox.failNextRecipients(550, '5.1.1 mailbox unavailable', 1, 'flaky@acme.example');
    const page = await signedIn(browser, base, editor);
    await page
      .getByRole('row', { name: /Bounces once/ })
      .getByRole('button', { name: /Run now/ })
      .click();
    const delivery = page.getByRole('row', { name: /flaky@acme\.example/ });
    await delivery.getByText('bounced').waitFor({ timeout: 60_000 });
    expect(await delivery.innerText()).toContain('550');
    await delivery.getByRole('button', { name: /Retry/ }).click();
    await page.getByText(/Retry flaky@acme\.example: queued\./).waitFor();
    await page.reload();
    await page
      .getByRole('row', { name: /flaky@acme\.example/ })
      .getByText('sent')
      .waitFor({
        timeout: 60_000,
      });
    expect((await inbox.waitForMessagesTo('flaky@acme.example', 1)).length).toBe(1);
    await page.context().close();
  });

  it('the download is disabled, with the reason, without the report type permission', async () => {
    const { id } = await runReportNow(t, editor, { name: 'Not for readers' });
    const reader = newMember(editor.orgId, { roles: ['viewer'], permissions: [] });
    const page = await signedIn(browser, base, reader);
    await page.goto(`${base}/app/executions/${id}`);
    await page.getByText('Downloading needs the billing:read permission.').waitFor();
    expect(await page.getByRole('button', { name: 'Download' }).isDisabled()).toBe(true);
    expect(await page.getByRole('button', { name: 'Copy link' }).isDisabled()).toBe(true);
    await page.context().close();
  });
});
