import { newMember, newOrg, scheduleBody, tokenFor } from 'test/factories';
import { createTestApp, TestApp } from 'test/utils/test-app';
import { waitFor } from 'test/utils/wait-for';
import { WorkerProcess } from 'test/utils/worker-process';

jest.setTimeout(120_000);

type Line = Record<string, unknown> & { msg?: string };

function jsonLines(output: string): Line[] {
  return output
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      try {
        return JSON.parse(line) as Line;
      } catch {
        throw new Error(`not a JSON log line: ${line}`);
      }
    });
}

// Real processes as deployed (LOG_FORMAT=json is the default): what an operator's log pipeline reads.
describe('JSON logs', () => {
  const api = new WorkerProcess();
  const worker = new WorkerProcess();
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
    await Promise.all([api.start({ APP_ROLE: 'api' }), worker.start({ APP_ROLE: 'worker' })]);
  });
  afterAll(async () => {
    await Promise.all([api.kill(), worker.kill()]);
    await t.close();
  });

  it('every line is JSON; a request names its id, a job its org and execution, and no credential leaks', async () => {
    const orgId = (await newOrg(t.db)).id;
    const token = tokenFor(newMember(orgId, { roles: ['editor'] }));
    const call = (path: string, init: RequestInit = {}) =>
      fetch(`http://127.0.0.1:${api.port}${path}`, {
        ...init,
        headers: {
          Authorization: `Bearer ${token}`,
          'Content-Type': 'application/json',
          'X-Request-Id': 'client-chosen-id-1',
        },
      });
    const created = await call('/api/scheduled-reports', {
      method: 'POST',
      body: JSON.stringify(scheduleBody()),
    });
    expect(created.status).toBe(201);
    const schedule = (await created.json()) as { id: string };
    const ran = await call(`/api/scheduled-reports/${schedule.id}/run`, { method: 'POST' });
    expect(ran.status).toBe(202);
    const requestId = ran.headers.get('x-request-id');
    const run = (await ran.json()) as { id: string };
    await waitFor('the run to complete', async () => {
      const [row] = await t.db.query('SELECT status FROM report_executions WHERE id = $1', [
        run.id,
      ]);
      return row.status === 'completed';
    });
    await waitFor('the worker to log the run', async () => worker.output.includes(run.id));

    const apiLines = jsonLines(api.output);
    const workerLines = jsonLines(worker.output);
    for (const line of [...apiLines, ...workerLines]) {
      expect(line).toEqual(
        expect.objectContaining({ level: expect.any(Number), time: expect.any(Number) }),
      );
    }
    // The request's own lines carry the server's id, never the client's.
    const requestLines = apiLines.filter((line) => line.request_id === requestId);
    expect(requestLines.length).toBeGreaterThan(0);
    expect(apiLines.some((line) => line.request_id === 'client-chosen-id-1')).toBe(false);
    expect(api.output).not.toContain(token);
    // Every worker line about the run was written inside its job, with its org and execution.
    const aboutRun = workerLines.filter((line) => JSON.stringify(line).includes(run.id));
    expect(aboutRun.length).toBeGreaterThan(0);
    for (const line of aboutRun) {
      if (line.msg?.includes(run.id))
        expect(line).toMatchObject({ org_id: orgId, execution_id: run.id });
    }
    expect(workerLines.some((line) => line.execution_id === run.id && line.org_id === orgId)).toBe(
      true,
    );
  });
});
