import { scheduleBody, TestMember } from 'test/factories';
import { clientFor } from './http-client';
import type { TestApp } from './test-app';
import { waitFor } from './wait-for';

/** Creates a schedule through the API, runs it now and waits for the execution to finish. */
export async function runReportNow(
  app: TestApp,
  member: TestMember,
  overrides: Record<string, unknown> = {},
  timeoutMs = 60_000,
) {
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
  return waitFor(
    `execution ${run.id} to finish`,
    async () => {
      const [row] = await app.db.query('SELECT * FROM report_executions WHERE id = $1', [run.id]);
      return ['completed', 'failed'].includes(row.status) && row;
    },
    timeoutMs,
  );
}
