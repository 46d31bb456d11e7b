import { AppRole } from 'src/config/app-config';
import { PrivatePostgres } from 'test/utils/private-postgres';
import { startRedis, stopRedis } from 'test/utils/redis-control';
import { waitFor } from 'test/utils/wait-for';
import { WorkerProcess } from 'test/utils/worker-process';

jest.setTimeout(120_000);

type Report = { status: string; checks: Record<string, { status: string }> };

/**
 * Every role, as a real process of its own on a PostgreSQL the test may kill: /health says which
 * dependency is down while it is, and recovers by itself once it is back; /metrics answers.
 */
describe('health and metrics of every role under outages', () => {
  const pg = new PrivatePostgres();
  const roles: AppRole[] = ['api', 'scheduler', 'worker'];
  const processes = new Map<AppRole, WorkerProcess>();

  const health = async (role: AppRole): Promise<{ code: number; body: Report }> => {
    const res = await fetch(`http://127.0.0.1:${processes.get(role)!.port}/health`);
    return { code: res.status, body: (await res.json()) as Report };
  };
  /** Waits until every role's /health answers `code` with `down` (or nothing) reported down. */
  const allReport = (code: number, down?: string) =>
    waitFor(
      `every role's /health to answer ${code}${down ? ` with ${down} down` : ''}`,
      async () => {
        const answers = await Promise.all(roles.map(health));
        return answers.every(
          ({ code: got, body }) =>
            got === code &&
            Object.entries(body.checks).every(
              ([name, check]) => check.status === (name === down ? 'down' : 'up'),
            ),
        );
      },
      30_000,
      250,
    );

  beforeAll(async () => {
    await pg.start();
    await Promise.all(
      roles.map(async (role) => {
        const child = new WorkerProcess();
        processes.set(role, child);
        // Three processes compile and boot at once: on a loaded host that is minutes, not seconds.
        await child.start({ APP_ROLE: role, DATABASE_URL: pg.url }, 240_000);
      }),
    );
  }, 300_000);
  afterAll(async () => {
    startRedis();
    await Promise.all([...processes.values()].map((p) => p.kill()));
    pg.destroy();
  });

  it('reports each dependency of each role, the worker its PDF browser too', async () => {
    await allReport(200);
    expect(Object.keys((await health('api')).body.checks).sort()).toEqual(['database', 'redis']);
    expect(Object.keys((await health('scheduler')).body.checks).sort()).toEqual([
      'database',
      'redis',
    ]);
    expect(Object.keys((await health('worker')).body.checks).sort()).toEqual([
      'chromium',
      'database',
      'redis',
    ]);
    for (const role of roles) {
      const res = await fetch(`http://127.0.0.1:${processes.get(role)!.port}/metrics`);
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('scheduled_reports_executions{status="completed"}');
    }
  });

  it('says the database is down while PostgreSQL is, and up again after', async () => {
    try {
      pg.stop('immediate');
      await allReport(503, 'database');
    } finally {
      pg.up();
    }
    await allReport(200);
  });

  it('says Redis is down while it is, and up again after', async () => {
    try {
      stopRedis();
      await allReport(503, 'redis');
    } finally {
      startRedis();
    }
    await allReport(200);
  });
});
