import type { TestMember } from 'test/factories';
import { consoleFixture, expectNoViolations } from 'test/utils/console-browser';
import { runReportNow } from 'test/utils/run-report';
import { waitFor } from 'test/utils/wait-for';

jest.setTimeout(90_000);

// REPORT_MAX_ROWS=5 makes every run over the seeded data fail; two in a row pause the schedule.
describe('console: the dashboard follows changes made elsewhere, live', () => {
  const c = consoleFixture({
    workers: true,
    env: { REPORT_MAX_ROWS: '5', AUTO_PAUSE_AFTER_FAILURES: '2' },
    seed: { invoices: 200, usageEvents: 20, customers: 5 },
  });
  let editor: TestMember;
  let admin: TestMember;

  beforeAll(async () => {
    editor = c.member({ roles: ['editor'] });
    admin = c.member({ roles: ['admin'] });
    for (const name of ['Paused elsewhere', 'Quiet and fine']) {
      await c.createSchedule(editor, { name });
    }
  });

  it("shows another session's pause without a reload", async () => {
    const page = await c.signedIn(editor);
    const row = page.getByRole('row', { name: /Paused elsewhere/ });
    await row.getByRole('switch', { checked: true }).waitFor();
    const { id } = (await c.as(editor).get('/api/scheduled-reports?q=Paused')).body.data[0];
    await c.as(admin).post(`/api/scheduled-reports/${id}/pause`).expect(200);
    // The event stream brings it (the fallback refresh is a minute away).
    await row.getByRole('switch', { checked: false }).waitFor({ timeout: 15_000 });
    expect(await row.innerText()).not.toContain('paused by the service');
  });

  it('says when the service paused a schedule, and why, under "needs attention"', async () => {
    const page = await c.signedIn(editor);
    await page.getByRole('row', { name: /Quiet and fine/ }).waitFor();
    const first = await runReportNow(c.t, editor, {
      name: 'Always too big',
      report_parameters: { date_range: { preset: 'year_to_date' } },
    });
    expect(first.status).toBe('failed');
    await c.as(editor).post(`/api/scheduled-reports/${first.scheduled_report_id}/run`).expect(202);
    await waitFor('the automatic pause', async () => {
      const [row] = await c.t.db.query(`SELECT paused_by FROM scheduled_reports WHERE id = $1`, [
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
    await expectNoViolations(page);
  });
});
