import type { TestMember } from 'test/factories';
import { consoleFixture, expectNoViolations, nextStep } from 'test/utils/console-browser';

jest.setTimeout(90_000);

describe('console: Slack channel and webhook recipients in the wizard', () => {
  const c = consoleFixture();
  let editor: TestMember;

  beforeAll(() => {
    editor = c.member({ roles: ['editor'] });
  });

  it('a private webhook address and a bad channel name show their 400 beside the row; fixed, they save', async () => {
    const page = await c.signedIn(editor, {
      timezoneId: 'Asia/Tokyo',
      locale: 'ja-JP',
    });
    await page.goto(`${c.base}/app/schedules/new`);
    await page.getByLabel('Invoice summary').check();
    await nextStep(page);
    await nextStep(page);
    await nextStep(page);
    await page.getByRole('heading', { name: 'Recipients' }).waitFor();

    // The first row, an empty email, is left as it is: it is not sent, and must not shift the
    // rows the server's recipients[i] messages are about.
    await page.getByRole('button', { name: 'Add a recipient' }).click();
    await page.getByLabel('Recipient 2').selectOption('slack_channel');
    await page.getByLabel('Channel').fill('#Finance Team');
    await page.getByRole('button', { name: 'Add a recipient' }).click();
    await page.getByLabel('Recipient 3').selectOption('webhook');
    await page.getByLabel('HTTPS URL').fill('http://10.0.0.1/hook');
    await page.getByRole('button', { name: /Review/ }).click();
    await page.getByLabel('Name').fill('To Slack and a webhook');
    await page.getByRole('button', { name: 'Create the report' }).click();

    const channel = page.getByLabel('Channel');
    const webhook = page.getByLabel('HTTPS URL');
    await page.locator('#recipient-errors-1').waitFor();
    expect(await page.getByLabel(/^Recipient \d$/).count()).toBe(2);
    expect(await page.locator('#recipient-errors-0').innerText()).toMatch(
      /^recipients\[0\]\.value '#Finance Team' is not a Slack channel id/,
    );
    expect(await page.locator('#recipient-errors-1').innerText()).toMatch(
      /^recipients\[1\]\.value 'http:\/\/10\.0\.0\.1\/hook' is refused: .*private or reserved/,
    );
    for (const [input, errors] of [
      [channel, 'recipient-errors-0'],
      [webhook, 'recipient-errors-1'],
    ] as const) {
      expect(await input.getAttribute('aria-invalid')).toBe('true');
      expect(await input.getAttribute('aria-describedby')).toBe(errors);
    }
    await expectNoViolations(page);

    await channel.fill('#finance-team');
    await webhook.fill('https://hooks.acme.example/reports');
    await page.getByRole('button', { name: /Review/ }).click();
    await page.getByRole('button', { name: 'Create the report' }).click();
    await page.getByRole('heading', { name: 'Saved “To Slack and a webhook”' }).waitFor();
    const [saved] = await c.t.db.query(
      `SELECT recipients FROM scheduled_reports WHERE name = 'To Slack and a webhook'`,
    );
    expect(saved.recipients).toEqual([
      { type: 'slack_channel', value: '#finance-team' },
      { type: 'webhook', value: 'https://hooks.acme.example/reports' },
    ]);
  });
});
