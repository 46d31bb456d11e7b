import type { Browser, Page } from 'playwright-core';
import { newMember, newOrg, scheduleBody, TestMember } from 'test/factories';
import {
  accessibilityViolations,
  launchChromium,
  listen,
  signedIn,
} from 'test/utils/console-browser';
import { clientFor } from 'test/utils/http-client';
import { useManualTicks } from 'test/utils/manual-ticks';
import { runReportNow } from 'test/utils/run-report';
import { seedOrgData } from 'test/utils/seed-org';
import { SmtpInbox, startSmtpInbox } from 'test/utils/smtp-inbox';
import { createTestApp, TestApp } from 'test/utils/test-app';
import { waitFor } from 'test/utils/wait-for';

jest.setTimeout(90_000);

// REPORT_MAX_ROWS=5 makes every run over the seeded data fail; two in a row pause the schedule.
describe('console: the dashboard follows changes made elsewhere, live', () => {
  let t: TestApp;
  let inbox: SmtpInbox;
  let browser: Browser;
  let base: string;
  let editor: TestMember;
  let admin: TestMember;

  beforeAll(async () => {
    inbox = await startSmtpInbox();
    [t, browser] = await Promise.all([
      createTestApp({
        role: 'all',
        env: { SMTP_URL: inbox.url, REPORT_MAX_ROWS: '5', AUTO_PAUSE_AFTER_FAILURES: '2' },
      }),
      launchChromium(),
    ]);
    useManualTicks(t.app);
    base = await listen(t);
    const orgId = (await newOrg(t.db)).id;
    editor = newMember(orgId, { roles: ['editor'] });
    admin = newMember(orgId, { roles: ['admin'] });
    await seedOrgData({ orgId, invoices: 200, usageEvents: 20, customers: 5 });
    for (const name of ['Paused elsewhere', 'Quiet and fine']) {
      await clientFor(t, editor).post('/api/scheduled-reports', scheduleBody({ name })).expect(201);
    }
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await inbox?.stop();
  });

  const noViolations = async (page: Page) =>
    expect(await accessibilityViolations(page)).toEqual([]);

  it("shows another session's pause without a reload", async () => {
    const page = await signedIn(browser, base, editor);
    const row = page.getByRole('row', { name: /Paused elsewhere/ });
    await row.getByRole('switch', { checked: true }).waitFor();
    const { id } = (await clientFor(t, editor).get('/api/scheduled-reports?q=Paused')).body.data[0];
    await clientFor(t, admin).post(`/api/scheduled-reports/${id}/pause`).expect(200);
    // The event stream brings it (the fallback refresh is a minute away).
    await row.getByRole('switch', { checked: false }).waitFor({ timeout: 15_000 });
    expect(await row.innerText()).not.toContain('paused by the service');
    await page.context().close();
  });

  it('says when the service paused a schedule, and why, under "needs attention"', async () => {
    const page = await signedIn(browser, base, editor);
    await page.getByRole('row', { name: /Quiet and fine/ }).waitFor();
    const first = await runReportNow(t, editor, {
      name: 'Always too big',
      report_parameters: { date_range: { preset: 'year_to_date' } },
    });
    expect(first.status).toBe('failed');
    await clientFor(t, editor)
      .post(`/api/scheduled-reports/${first.scheduled_report_id}/run`)
      .expect(202);
    await waitFor('the automatic pause', async () => {
      const [row] = await t.db.query(`SELECT paused_by FROM scheduled_reports WHERE id = $1`, [
        first.scheduled_report_id,
      ]);
      return row.paused_by === 'system';
    });

    const row = page.getByRole('row', { name: /Always too big/ });
    await row
      .getByText('paused by the service: its last 2 runs all failed')
      .waitFor({ timeout: 15_000 });
    await row.getByText('failed').first().waitFor();

    await page.getByLabel(/Needs attention/).check();
    await row.waitFor();
    await page.getByRole('row', { name: /Paused elsewhere/ }).waitFor();
    expect(await page.getByRole('row', { name: /Quiet and fine/ }).count()).toBe(0);
    await noViolations(page);
    await page.context().close();
  });
});
