import { newMember, newOrg, TestMember } from 'test/factories';
import { useManualTicks } from 'test/utils/manual-ticks';
import { queuesDrained } from 'test/utils/queues';
import { runReportNow } from 'test/utils/run-report';
import { seedOrgData } from 'test/utils/seed-org';
import { createTestApp, TestApp } from 'test/utils/test-app';

jest.setTimeout(60_000);

// A machine without Chromium: a PDF report fails once, at once, saying how to fix it; other
// formats are unaffected.
describe('a PDF report on a machine without a browser', () => {
  let t: TestApp;
  let editor: TestMember;

  beforeAll(async () => {
    t = await createTestApp({ role: 'all', env: { CHROMIUM_PATH: '/nonexistent/chromium' } });
    useManualTicks(t.app);
    const orgId = (await newOrg(t.db)).id;
    editor = newMember(orgId, { roles: ['editor'] });
    await seedOrgData({ orgId, invoices: 20, usageEvents: 0, customers: 5 });
  });
  afterAll(() => t.close());

  it('fails permanently on its first attempt with the advice, and a CSV still runs', async () => {
    const pdf = await runReportNow(t, editor, { output_format: 'pdf' }, 30_000);
    expect(pdf).toMatchObject({ status: 'failed', retry_count: 0, file_key: null });
    expect(pdf.error_message).toMatch(
      /PDF rendering is unavailable: no Chromium at \/nonexistent\/chromium .*CHROMIUM_PATH/,
    );
    await queuesDrained(t);
    const [after] = await t.db.query(
      'SELECT status, retry_count FROM report_executions WHERE id = $1',
      [pdf.id],
    );
    expect(after).toEqual({ status: 'failed', retry_count: 0 });

    const csv = await runReportNow(t, editor, { output_format: 'csv' }, 30_000);
    expect(csv.status).toBe('completed');
  });
});
