import { Logger } from '@nestjs/common';
import { Client } from 'pg';
import { seedBillingData } from 'src/modules/billing/seed-billing-data';
import { newMember, newOrg, scheduleBody, TestMember } from 'test/factories';
import { expectOneCompletedRun, generationLedger, writingNow } from 'test/utils/generation-ledger';
import { clientFor } from 'test/utils/http-client';
import { useManualTicks } from 'test/utils/manual-ticks';
import { PrivatePostgres } from 'test/utils/private-postgres';
import { createTestApp, TestApp } from 'test/utils/test-app';
import { waitFor } from 'test/utils/wait-for';

jest.setTimeout(180_000);

/** The database is killed and started again while a worker streams a report out of it. */
describe('generation when PostgreSQL restarts mid-read', () => {
  const pg = new PrivatePostgres();
  let t: TestApp;
  let orgId: string;
  let editor: TestMember;

  beforeAll(async () => {
    await pg.start();
    t = await createTestApp({
      role: 'all',
      env: {
        DATABASE_URL: pg.url,
        GENERATION_CONCURRENCY: '1',
        JOB_BACKOFF_MS: '200',
      },
    });
    useManualTicks(t.app);
    orgId = (await newOrg(t.db)).id;
    editor = newMember(orgId, { roles: ['editor'] });
    const client = new Client({ connectionString: pg.url });
    await client.connect();
    try {
      await seedBillingData(client, { orgId, invoices: 60_000, usageEvents: 100, customers: 300 });
    } finally {
      await client.end();
    }
  }, 180_000);
  afterAll(async () => {
    pg.up();
    await t?.close();
    pg.destroy();
  });

  it('the read fails as a lost connection, the run is retried and completes with one matching file', async () => {
    const client = clientFor(t, editor);
    const schedule = (
      await client
        .post(
          '/api/scheduled-reports',
          scheduleBody({
            output_format: 'xlsx',
            recipients: [],
            report_parameters: {
              date_range: { preset: 'custom', from: '2025-06-01', to: '2026-05-31' },
            },
          }),
        )
        .expect(201)
    ).body;
    const warnings = jest.spyOn(Logger.prototype, 'warn');
    const run = (await client.post(`/api/scheduled-reports/${schedule.id}/run`).expect(202)).body;
    await waitFor(
      'the worker to be writing the file',
      async () => writingNow(orgId, run.id).length > 0,
      60_000,
      10,
    );
    try {
      pg.restart();
    } finally {
      pg.up();
    }

    const status = await waitFor(
      'the run to finish',
      async () => {
        const [row] = await t.db
          .query(`SELECT status FROM report_executions WHERE id = $1`, [run.id])
          .catch(() => [{ status: 'unknown' }]);
        return ['completed', 'failed'].includes(row.status) && row.status;
      },
      120_000,
      200,
    );
    expect(status).toBe('completed');
    const ledger = await generationLedger(t.db, schedule.id);
    expectOneCompletedRun(ledger);
    expect(ledger.executions[0].retry_count).toBeGreaterThanOrEqual(1);
    // The attempt cut off said why: a lost connection, which is what made it retry.
    const retried = warnings.mock.calls.filter(([message]) =>
      /attempt 1\/\d+ failed: the connection to the database was lost/.test(String(message)),
    );
    warnings.mockRestore();
    expect(retried).toHaveLength(1);
  });
});
