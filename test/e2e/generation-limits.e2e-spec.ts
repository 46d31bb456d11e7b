import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { newMember, newOrg, TestMember } from 'test/factories';
import { clientFor } from 'test/utils/http-client';
import { useManualTicks } from 'test/utils/manual-ticks';
import { queuesDrained } from 'test/utils/queues';
import { runReportNow } from 'test/utils/run-report';
import { seedOrgData } from 'test/utils/seed-org';
import { createTestApp, TestApp } from 'test/utils/test-app';
import { TEST_STORAGE_DIR } from 'test/utils/test-env';

jest.setTimeout(60_000);

// GENERATION_TIMEOUT_MS at its minimum (1 s) against a report that needs several: ~133,000
// invoice rows to styled XLSX run at ~40,000 rows/s, so the limit, not the data, ends the run.
describe('generation limits: the time limit', () => {
  let t: TestApp;
  let orgId: string;
  let editor: TestMember;

  beforeAll(async () => {
    t = await createTestApp({ role: 'all', env: { GENERATION_TIMEOUT_MS: '1000' } });
    useManualTicks(t.app);
    orgId = (await newOrg(t.db)).id;
    editor = newMember(orgId, { roles: ['editor'] });
    // Dates fall in the 548 days before asOf, so 2025 holds two thirds of the invoices.
    await seedOrgData({
      orgId,
      invoices: 200_000,
      usageEvents: 0,
      customers: 500,
      asOf: new Date('2026-01-01T00:00:00Z'),
    });
  });
  afterAll(() => t.close());

  it('a report over GENERATION_TIMEOUT_MS fails with a clear message, no retry and no file', async () => {
    const started = Date.now();
    const done = await runReportNow(
      t,
      editor,
      {
        output_format: 'xlsx',
        report_parameters: {
          date_range: { preset: 'custom', from: '2025-01-01', to: '2025-12-31' },
        },
      },
      30_000,
    );
    expect(done).toMatchObject({ status: 'failed', retry_count: 0, file_key: null });
    expect(done.error_message).toMatch(/took longer than the maximum of 1 s/);
    // Failed by the limit, not after the whole report was written.
    expect(Date.now() - started).toBeLessThan(15_000);

    // Nothing left behind: no file and no partial (.tmp) file for this execution.
    const folder = join(TEST_STORAGE_DIR, 'org', orgId, 'executions');
    const leftovers = existsSync(folder)
      ? readdirSync(folder).filter((name) => name.includes(done.id))
      : [];
    expect(leftovers).toEqual([]);

    // Not retried: once its job is gone from the queue (no retry delayed, none waiting), the
    // run is still failed after one attempt.
    await queuesDrained(t);
    const [after] = await t.db.query(
      'SELECT status, retry_count, started_at FROM report_executions WHERE id = $1',
      [done.id],
    );
    expect(after).toEqual({ status: 'failed', retry_count: 0, started_at: done.started_at });

    const view = await clientFor(t, editor).get(`/api/report-executions/${done.id}`).expect(200);
    expect(view.body).toMatchObject({ status: 'failed', error_message: done.error_message });
  });

  it("another organization's member cannot see the failed run", async () => {
    const [run] = await t.db.query(
      'SELECT id FROM report_executions WHERE organization_id = $1 LIMIT 1',
      [orgId],
    );
    const stranger = newMember((await newOrg(t.db)).id, { roles: ['admin'] });
    await clientFor(t, stranger).get(`/api/report-executions/${run.id}`).expect(404);
  });
});
