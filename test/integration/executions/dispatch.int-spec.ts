import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from 'src/database/data-source-options';
import { DispatchRepository } from 'src/modules/executions/dispatch/dispatch.repository';
import { TEST_DATABASE_URL } from 'test/utils/test-env';

jest.setTimeout(30_000);

/**
 * The dispatcher's claims on real PostgreSQL: many dispatchers claiming one organization at
 * once (as several scheduler processes do) hand out its free slots once, never a run twice.
 */
describe('DispatchRepository', () => {
  let dataSource: DataSource;
  let repository: DispatchRepository;
  const created: string[] = [];

  beforeAll(async () => {
    dataSource = await new DataSource(dataSourceOptions(TEST_DATABASE_URL)).initialize();
    repository = new DispatchRepository(dataSource);
  });

  /** An organization with `cap` slots and `waiting` runs of one schedule waiting for them. */
  const orgWithWaitingRuns = async (cap: number, waiting: number) => {
    const orgId = randomUUID();
    created.push(orgId);
    await dataSource.query(
      `INSERT INTO organizations (id, name, max_concurrent_generations) VALUES ($1, 'dispatch', $2)`,
      [orgId, cap],
    );
    const [schedule] = await dataSource.query(
      `INSERT INTO scheduled_reports (organization_id, created_by, name, report_type, schedule_config, output_format, status)
       VALUES ($1, 'someone', 'd', 'invoice_summary', '{"cadence":"daily","time":"09:00","timezone":"UTC"}', 'csv', 'paused')
       RETURNING id`,
      [orgId],
    );
    // No slot key: the unique slot index lets rows without one be.
    await dataSource.query(
      `INSERT INTO report_executions (organization_id, scheduled_report_id, trigger, scheduled_for, status, created_at)
       SELECT $1, $2, 'schedule', now(), 'pending', now() - make_interval(secs => n)
         FROM generate_series(1, $3) AS n`,
      [orgId, schedule.id, waiting],
    );
    return orgId;
  };

  afterAll(async () => {
    // Nothing of this file for a dispatcher of another to run.
    await dataSource.query(
      `UPDATE report_executions SET status = 'failed'
        WHERE status IN ('pending', 'running') AND organization_id = ANY($1)`,
      [created],
    );
    await dataSource.destroy();
  });

  it('hands out the free slots once across concurrent dispatchers, oldest runs first', async () => {
    const orgId = await orgWithWaitingRuns(3, 20);

    const claims = await Promise.all(
      Array.from({ length: 8 }, () => repository.claimForOrg(orgId, 100)),
    );

    const ids = claims.flat().map((c) => c.id);
    expect(ids).toHaveLength(3);
    expect(new Set(ids).size).toBe(3);
    const oldest: { id: string }[] = await dataSource.query(
      `SELECT id FROM report_executions WHERE organization_id = $1 ORDER BY created_at LIMIT 3`,
      [orgId],
    );
    expect(ids.sort()).toEqual(oldest.map((r) => r.id).sort());
    // The cap is full: nothing more until a run finishes.
    expect(await repository.claimForOrg(orgId, 100)).toEqual([]);
    await dataSource.query(`UPDATE report_executions SET status = 'completed' WHERE id = $1`, [
      ids[0],
    ]);
    expect(await repository.claimForOrg(orgId, 100)).toHaveLength(1);
  });

  it('lists the organizations with waiting runs and a free slot', async () => {
    const waiting = await orgWithWaitingRuns(2, 1);
    const none = await orgWithWaitingRuns(2, 1);
    await repository.claimForOrg(none, 100);
    const full = await orgWithWaitingRuns(1, 2);
    await repository.claimForOrg(full, 100);

    const orgs = await repository.findWaitingOrgs(10_000);

    expect(orgs).toContain(waiting);
    expect(orgs).not.toContain(none);
    expect(orgs).not.toContain(full);
    expect([...orgs].sort()).toEqual(orgs);
  });
});
