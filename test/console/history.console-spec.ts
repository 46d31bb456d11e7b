import type { TestMember } from 'test/factories';
import { consoleFixture, expectNoViolations } from 'test/utils/console-browser';

jest.setTimeout(90_000);

describe('console: re-running a past slot from the history', () => {
  const c = consoleFixture({ workers: true });
  let editor: TestMember;
  let scheduleId: string;

  beforeAll(async () => {
    editor = c.member({ roles: ['editor'] });
    scheduleId = await c.createSchedule(editor, {
      name: 'Daily in New York',
      schedule_config: { cadence: 'daily', time: '09:00', timezone: 'America/New_York' },
      report_parameters: { date_range: { preset: 'yesterday' } },
    });
  });

  it('an editor in Berlin re-runs the New York slot before the instant they typed, for its period', async () => {
    const page = await c.signedIn(editor, {
      timezoneId: 'Europe/Berlin',
      locale: 'en-US',
    });
    await page.goto(`${c.base}/app/schedules/${scheduleId}/history`);
    await page.getByRole('heading', { name: 'History of “Daily in New York”' }).waitFor();
    await expectNoViolations(page);

    // 12:00 in Berlin on 10 March is 07:00 in New York: that day's 09:00 has not come yet, so
    // the slot is 9 March 09:00 EDT, and "yesterday" of it is 8 March.
    await page
      .getByLabel(/Re-run the last slot at or before \(your time, Europe\/Berlin\)/)
      .fill('2026-03-10T12:00');
    await page.getByRole('button', { name: 'Re-run that slot' }).click();
    await page.getByRole('heading', { name: 'Run of “Daily in New York”' }).waitFor();
    const details = page.locator('dl.review');
    await details.getByText(/^manual, re-run of the last slot at or before /).waitFor();
    expect(await details.innerText()).toMatch(/Slot\s+Mon, Mar 9, 2026, 09:00 EDT/);
    await page.getByTestId('timeline').getByText('completed').waitFor({ timeout: 60_000 });
    await details.getByText('2026-03-08', { exact: true }).waitFor();
    await expectNoViolations(page);

    const [run] = await c.t.db.query(
      `SELECT trigger, scheduled_for, metadata FROM report_executions WHERE scheduled_report_id = $1`,
      [scheduleId],
    );
    expect(run.trigger).toBe('manual');
    expect(run.scheduled_for.toISOString()).toBe('2026-03-09T13:00:00.000Z');
    expect(run.metadata).toMatchObject({
      as_of: '2026-03-10T11:00:00.000Z',
      filters_applied: { date_range: { from: '2026-03-08', to: '2026-03-08' } },
    });

    await page.getByRole('link', { name: '← History' }).click();
    const row = page.getByRole('row', { name: /Mar 9, 2026, 09:00 EDT/ });
    await row.getByText('manual').waitFor();
  });

  it('an instant in the future is refused with the server’s reason beside the form', async () => {
    const page = await c.signedIn(editor);
    await page.goto(`${c.base}/app/schedules/${scheduleId}/history`);
    await page.getByLabel(/Re-run the last slot at or before/).fill('2999-01-01T00:00');
    await page.getByRole('button', { name: 'Re-run that slot' }).click();
    await page.getByRole('alert').getByText('as_of must not be in the future').waitFor();
    expect(page.url()).toMatch(/\/history$/);
    await expectNoViolations(page);
  });
});
