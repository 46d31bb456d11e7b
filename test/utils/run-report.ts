import { scheduleBody, TestMember } from 'test/factories';
import { clientFor } from './http-client';
import type { TestApp } from './test-app';
import { waitFor } from './wait-for';

/** The year of seeded data a fault test's report reads: enough rows to be mid-write when killed. */
export const SEEDED_YEAR = {
  date_range: { preset: 'custom', from: '2025-06-01', to: '2026-05-31' },
};

/** Creates a schedule through the API and runs it now; resolves with both ids at once. */
export async function startRunNow(
  app: TestApp,
  member: TestMember,
  overrides: Record<string, unknown> = {},
): Promise<{ scheduleId: string; executionId: string }> {
  const client = clientFor(app, member);
  const schedule = (
    await client
      .post(
        '/api/scheduled-reports',
        scheduleBody({
          report_parameters: { date_range: { preset: 'last_7_days' } },
          ...overrides,
        }),
      )
      .expect(201)
  ).body;
  const run = (await client.post(`/api/scheduled-reports/${schedule.id}/run`).expect(202)).body;
  return { scheduleId: schedule.id as string, executionId: run.id as string };
}

/** Creates a schedule through the API, runs it now and waits for the execution to finish. */
export async function runReportNow(
  app: TestApp,
  member: TestMember,
  overrides: Record<string, unknown> = {},
  timeoutMs = 60_000,
) {
  const { executionId } = await startRunNow(app, member, overrides);
  return waitFor(
    `execution ${executionId} to finish`,
    async () => {
      const [row] = await app.db.query('SELECT * FROM report_executions WHERE id = $1', [
        executionId,
      ]);
      return ['completed', 'failed'].includes(row.status) && row;
    },
    timeoutMs,
  );
}
