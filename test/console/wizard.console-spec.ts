import { type TestMember, tokenFor } from 'test/factories';
import { consoleFixture, expectNoViolations, nextStep } from 'test/utils/console-browser';

jest.setTimeout(90_000);

describe('console: sign-in, dashboard, the schedule wizard and its preview', () => {
  const c = consoleFixture();
  let editor: TestMember;
  let viewer: TestMember;
  let admin: TestMember;

  beforeAll(() => {
    editor = c.member({ roles: ['editor'], name: 'Erin Editor' });
    viewer = c.member({ roles: ['viewer'], name: 'Vic Viewer' });
    admin = c.member({ roles: ['admin'], name: 'Ada Admin' });
  });

  it('signs in from the #token URL, then keeps the token out of the address', async () => {
    const page = await c.signedIn(editor);
    expect(page.url()).toBe(`${c.base}/app/`);
    expect(await page.evaluate('Object.values(sessionStorage).length')).toBe(1);
    await page.getByRole('heading', { name: 'Scheduled reports' }).waitFor();
    await expectNoViolations(page);
  });

  it('the sign-in page takes a pasted token', async () => {
    const page = await (await c.newContext()).newPage();
    await page.goto(`${c.base}/app/`);
    await expectNoViolations(page);
    await page.getByLabel('Access token').fill('not a token');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('That is not a token').waitFor();
    await page.getByLabel('Access token').fill(tokenFor(editor));
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Scheduled reports' }).waitFor();
  });

  it('creates a weekly report in America/New_York through the wizard, previewing its runs', async () => {
    const page = await c.signedIn(editor, {
      timezoneId: 'Europe/Berlin',
      locale: 'en-GB',
    });
    await page.getByRole('link', { name: 'New report' }).first().click();
    await page.getByRole('heading', { name: 'New report' }).waitFor();
    await expectNoViolations(page);
    await page.getByLabel('Invoice summary').check();
    await nextStep(page);
    // Parameters: the form built from parameters_schema, filled from the type's example.
    await page.getByRole('group', { name: /date range/i }).waitFor();
    await expectNoViolations(page);
    await nextStep(page);

    await page.getByLabel('Run', { exact: true }).selectOption('weekly');
    await page.getByLabel('on', { exact: true }).selectOption({ label: 'Tuesday' });
    await page.getByLabel('at', { exact: true }).fill('09:00');
    await page.getByLabel('Time zone').fill('America/New_York');
    const runs = page.locator('.runs li');
    await runs.first().locator('strong', { hasText: /Tue/ }).waitFor();
    expect(await runs.count()).toBe(5);
    const first = await runs.first().innerText();
    // In the schedule's zone, in the viewer's (Berlin, six hours ahead), and the UTC offset.
    expect(first).toMatch(/09:00 (EST|GMT-5)/);
    expect(first).toMatch(/yours: .*15:00 (CET|GMT\+1)/);
    expect(first).toContain('UTC-05:00');
    expect(first).toMatch(/in \d+ days?|tomorrow/);
    await expect(page.getByText('Every Tuesday at 09:00').first().isVisible()).resolves.toBe(true);
    await expectNoViolations(page);
    await nextStep(page);

    await page.getByLabel('Address').fill('nobody@not-allowed.example');
    await nextStep(page);
    await nextStep(page);
    await page.getByLabel('Name').fill('Weekly invoices for NY');
    await expectNoViolations(page);
    await page.getByRole('button', { name: 'Create the report' }).click();
    // The server's 400 lands next to the recipient it is about.
    const recipientError = page.locator('#recipient-errors-0');
    await recipientError.waitFor();
    expect(await recipientError.innerText()).toMatch(/recipients\[0\]/);
    await page.getByLabel('Address').fill('finance@acme.example');
    await page.getByRole('button', { name: /Review/ }).click();
    await page.getByRole('button', { name: 'Create the report' }).click();
    await page.getByRole('heading', { name: 'Saved “Weekly invoices for NY”' }).waitFor();
    await page.getByRole('button', { name: 'Run now' }).waitFor();

    const [saved] = await c.t.db.query(
      `SELECT schedule_config FROM scheduled_reports WHERE name = 'Weekly invoices for NY'`,
    );
    expect(saved.schedule_config).toMatchObject({
      cadence: 'weekly',
      time: '09:00',
      day_of_week: 2,
      timezone: 'America/New_York',
    });
  });

  it('a 02:30 daily schedule shows the DST note for the March change; a bad cron field shows the server error beside it', async () => {
    const page = await c.signedIn(editor, { timezoneId: 'America/New_York' });
    await page.goto(`${c.base}/app/schedules/new`);
    await page.getByLabel('Invoice summary').check();
    await nextStep(page);
    await nextStep(page);
    await page.getByLabel('Run', { exact: true }).selectOption('daily');
    await page.getByLabel('at', { exact: true }).fill('02:30');
    // The zone defaults to the browser's.
    expect(await page.getByLabel('Time zone').inputValue()).toBe('America/New_York');
    await page.getByLabel(/Show runs from/).fill('2027-03-12');
    const note = page.locator('.runs .note');
    await note.first().waitFor();
    expect(await note.first().innerText()).toBe(
      'Note: 02:30 does not exist on 2027-03-14; runs at 03:00 EDT',
    );

    await page.getByLabel('Advanced: cron').check();
    await page.getByLabel('Minute').fill('0');
    const hour = page.getByLabel('Hour');
    await hour.fill('25');
    // The server's 400 lands beside the hour input, which names it for screen readers.
    const hourError = page.locator('#cron-errors-1');
    await hourError.waitFor();
    expect(await hourError.innerText()).toBe("hour field '25': 25 is out of range 0-23");
    expect(await hour.getAttribute('aria-invalid')).toBe('true');
    expect(await hour.getAttribute('aria-describedby')).toBe('cron-errors-1');
    expect(await page.getByTestId('preview-errors').count()).toBe(0);
    await expectNoViolations(page);
    await hour.fill('9');
    await hourError.waitFor({ state: 'detached' });
    await page.locator('.runs li').first().waitFor();
    expect(await hour.getAttribute('aria-invalid')).toBeNull();

    // An empty field is caught in the browser: marked at once, the server is not asked.
    const previews: string[] = [];
    page.on('request', (r) => r.url().endsWith('/preview-schedule') && previews.push(r.url()));
    await page.getByLabel('Day of week').fill('');
    await page
      .locator('#cron-errors-4')
      .getByText(/day-of-week field is empty/)
      .waitFor();
    await page.waitForTimeout(500); // longer than the preview's debounce
    expect(previews).toEqual([]);

    await page.getByLabel('Hour').fill('9');
    await page.getByLabel('Day of month').fill('31');
    await page.getByLabel('Month', { exact: true }).fill('2');
    await page.getByLabel('Day of week').fill('*');
    await page
      .getByTestId('preview-errors')
      .getByText(/never fires/)
      .waitFor();
    await expectNoViolations(page);
  });

  it('a cron the server refuses only when saving shows its message beside that field; nothing is saved', async () => {
    const page = await c.signedIn(editor);
    // The preview gets no answer, so whatever shows beside the field can only come from the save.
    await page.route('**/api/scheduled-reports/preview-schedule', (route) => route.abort());
    await page.goto(`${c.base}/app/schedules/new`);
    await page.getByLabel('Invoice summary').check();
    await nextStep(page);
    await nextStep(page);
    await page.getByLabel('Advanced: cron').check();
    // Every field reads as cron, and the browser's own check (empty, spaces) passes it; the
    // server's does not: hours end at 23.
    const hour = page.getByLabel('Hour');
    await hour.fill('9-24');
    expect(await hour.getAttribute('aria-invalid')).toBeNull();
    await page.getByRole('button', { name: /Review/ }).click();
    await page.getByLabel('Name').fill('Refused when saved');
    const [save] = await Promise.all([
      page.waitForResponse(
        (r) => r.url().endsWith('/api/scheduled-reports') && r.request().method() === 'POST',
      ),
      page.getByRole('button', { name: 'Create the report' }).click(),
    ]);
    expect(save.status()).toBe(400);
    const [serverMessage] = [(await save.json()).message].flat() as string[];
    expect(serverMessage).toMatch(/hour field '9-24': 24 is out of range 0-23$/);

    // Back on the schedule step, the message is beside the hour input, which names it.
    await page.getByRole('heading', { name: 'Schedule', exact: true }).waitFor();
    expect(await hour.getAttribute('aria-invalid')).toBe('true');
    const describedBy = await hour.getAttribute('aria-describedby');
    expect(describedBy).toBe('cron-errors-1');
    const besideHour = await page.locator(`#${describedBy}`).innerText();
    expect(besideHour).toBe("hour field '9-24': 24 is out of range 0-23");
    expect(serverMessage).toContain(besideHour);
    // Said once, where the fix goes: not again atop the step.
    expect(await page.locator('#step-errors').count()).toBe(0);
    await expectNoViolations(page);

    const listed = await c.as(editor).get('/api/scheduled-reports?q=Refused').expect(200);
    expect(listed.body.data).toEqual([]);
  });

  it('editing reopens a cron schedule in cron mode and saves the change', async () => {
    const id = await c.createSchedule(editor, {
      name: 'Cron to edit',
      schedule_config: {
        cadence: 'cron',
        cron_expression: '15 7 * * 1-5',
        timezone: 'Europe/Paris',
      },
    });
    const page = await c.signedIn(editor);
    await page
      .getByRole('row', { name: /Cron to edit/ })
      .getByRole('link', { name: /Edit/ })
      .click();
    await page.getByRole('heading', { name: 'Edit “Cron to edit”' }).waitFor();
    await page.getByRole('button', { name: /Schedule/ }).click();
    expect(await page.getByLabel('Advanced: cron').isChecked()).toBe(true);
    expect(await page.getByLabel('Minute').inputValue()).toBe('15');
    // Saving with a field left empty goes back to it instead of sending four fields.
    await page.getByLabel('Hour').fill('');
    await page.getByRole('button', { name: /Review/ }).click();
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.locator('#cron-errors-1').getByText('hour field is empty').waitFor();
    await page.getByLabel('Hour').fill('8');
    await page.getByRole('button', { name: /Review/ }).click();
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByRole('heading', { name: 'Saved “Cron to edit”' }).waitFor();
    const [saved] = await c.t.db.query(
      `SELECT schedule_config FROM scheduled_reports WHERE id = $1`,
      [id],
    );
    expect(saved.schedule_config).toMatchObject({
      cadence: 'cron',
      cron_expression: '15 8 * * 1-5',
      timezone: 'Europe/Paris',
    });
  });

  it('"needs attention" keeps the paused schedules; the switch resumes one', async () => {
    const paused = await c.createSchedule(editor, { name: 'Paused one' });
    await c.as(editor).post(`/api/scheduled-reports/${paused}/pause`).expect(200);
    await c.createSchedule(editor, { name: 'Healthy one' });
    const page = await c.signedIn(editor);
    await page.getByRole('row', { name: /Healthy one/ }).waitFor();
    await page.getByLabel(/Needs attention/).check();
    await page.getByRole('row', { name: /Healthy one/ }).waitFor({ state: 'detached' });
    const row = page.getByRole('row', { name: /Paused one/ });
    await row.getByRole('switch').check();
    await page.getByText('Resumed Paused one: done.').waitFor();
    const [schedule] = await c.t.db.query(`SELECT status FROM scheduled_reports WHERE id = $1`, [
      paused,
    ]);
    expect(schedule.status).toBe('active');
  });

  it('a viewer sees the schedules but no action that changes them', async () => {
    const id = await c.createSchedule(editor, { name: 'Viewer can read this' });
    const page = await c.signedIn(viewer);
    const row = page.getByRole('row', { name: /Viewer can read this/ });
    await row.waitFor();
    expect(await row.getByRole('link', { name: /History/ }).count()).toBe(1);
    for (const name of [/Edit/, /Delete/, /Run now/]) {
      expect(await row.getByRole('button', { name }).count()).toBe(0);
      expect(await row.getByRole('link', { name }).count()).toBe(0);
    }
    expect(await row.getByRole('switch').count()).toBe(0);
    expect(await page.getByRole('link', { name: 'New report' }).count()).toBe(0);
    expect(await page.getByRole('link', { name: 'Admin' }).count()).toBe(0);
    expect(await row.innerText()).toContain('Erin Editor');

    // A deep link survives a reload: the server answers index.html, the tab keeps the token.
    await page.goto(`${c.base}/app/schedules/${id}/history`);
    await page.reload();
    await page.getByRole('heading', { name: 'History of “Viewer can read this”' }).waitFor();
    expect(await page.getByText('No runs yet.').isVisible()).toBe(true);
    await expectNoViolations(page);
  });

  it('the admin screen: settings, Slack, webhook secret, audit log', async () => {
    const page = await c.signedIn(admin);
    await page.getByRole('link', { name: 'Admin' }).click();
    await page.getByRole('heading', { name: 'Organization settings' }).waitFor();
    await page.getByLabel('Recipients per schedule at most').fill('40');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByText('Settings saved.').waitFor();
    await page.getByText(/Not connected|Connected/).waitFor();
    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: 'Rotate the secret' }).click();
    expect(await page.getByLabel(/New secret/).inputValue()).not.toBe('');
    await page.getByLabel('Action').fill('webhook_secret.rotated');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.getByRole('row', { name: /webhook_secret\.rotated/ }).waitFor();
    await expectNoViolations(page);
  });
});
