import { readFileSync } from 'node:fs';
import type { TestMember } from 'test/factories';
import { consoleFixture, expectNoViolations } from 'test/utils/console-browser';
import { runReportNow } from 'test/utils/run-report';

jest.setTimeout(90_000);

describe('console: run now, the live timeline, deliveries and the download', () => {
  const c = consoleFixture({
    workers: true,
    seed: { invoices: 200, usageEvents: 20, customers: 5 },
  });
  let editor: TestMember;

  beforeAll(async () => {
    editor = c.member({ roles: ['editor'] });
    await c.createSchedule(editor, { name: 'Invoices to run now' });
  });

  it('run now → the SSE timeline reaches completed → deliveries sent → the file downloads', async () => {
    const page = await c.signedIn(editor, {
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
    expect((await c.inbox.waitForMessagesTo('finance@acme.example', 1)).length).toBe(1);
    await expectNoViolations(page);

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
    await expectNoViolations(page);
  });

  it('a bounced delivery shows its error, and Retry sends it again', async () => {
    await c.createSchedule(editor, {
      name: 'Bounces once',
      recipients: [{ type: 'email', value: 'flaky@acme.example' }],
    });
    c.inbox.failNextRecipients(550, '5.1.1 mailbox unavailable', 1, 'flaky@acme.example');
    const page = await c.signedIn(editor);
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
    expect((await c.inbox.waitForMessagesTo('flaky@acme.example', 1)).length).toBe(1);
  });

  it('the download is disabled, with the reason, without the report type permission', async () => {
    const { id } = await runReportNow(c.t, editor, { name: 'Not for readers' });
    const reader = c.member({ roles: ['viewer'], permissions: [] });
    const page = await c.signedIn(reader);
    await page.goto(`${c.base}/app/executions/${id}`);
    await page.getByText('Downloading needs the billing:read permission.').waitFor();
    expect(await page.getByRole('button', { name: 'Download' }).isDisabled()).toBe(true);
    expect(await page.getByRole('button', { name: 'Copy link' }).isDisabled()).toBe(true);
  });
});
