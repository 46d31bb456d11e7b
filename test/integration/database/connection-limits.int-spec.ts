import { DataSource, QueryRunner } from 'typeorm';
import { dataSourceOptions } from 'src/database/data-source-options';
import { ReportDataReader } from 'src/modules/generators/report-data/report-data.reader';
import { TEST_DATABASE_URL } from 'test/utils/test-env';

jest.setTimeout(30_000);

/**
 * The app's pool with tight limits: a stuck statement, a transaction left open and a wait for a
 * connection all end with an error instead of hanging, and a report's read is exempt from the
 * first two (its own timeout bounds it).
 */
describe('PostgreSQL connection limits', () => {
  let dataSource: DataSource;
  const held: QueryRunner[] = [];

  beforeAll(async () => {
    dataSource = await new DataSource(
      dataSourceOptions(TEST_DATABASE_URL, {
        statementTimeoutMs: 300,
        idleInTransactionTimeoutMs: 300,
        acquireTimeoutMs: 300,
        keepAliveInitialDelayMs: 1000,
      }),
    ).initialize();
  });
  afterEach(async () => {
    await Promise.all(held.splice(0).map((runner) => runner.release()));
  });
  afterAll(() => dataSource.destroy());

  it('cancels a statement running past the statement timeout', async () => {
    await expect(dataSource.query('SELECT pg_sleep(2)')).rejects.toThrow(/statement timeout/);
    await expect(dataSource.query('SELECT 1 AS one')).resolves.toEqual([{ one: 1 }]);
  });

  it('ends a session left idle inside a transaction', async () => {
    const runner = dataSource.createQueryRunner();
    held.push(runner);
    await runner.startTransaction();
    await runner.query('SELECT 1');
    await new Promise((resolve) => setTimeout(resolve, 1000));
    await expect(runner.query('SELECT 1')).rejects.toThrow(
      /idle-in-transaction|terminat|released/i,
    );
  });

  it('fails a wait for a pool connection after the acquire timeout', async () => {
    for (let i = 0; i < 10; i += 1) {
      const runner = dataSource.createQueryRunner();
      held.push(runner);
      await runner.connect();
    }
    const started = Date.now();
    await expect(dataSource.query('SELECT 1')).rejects.toThrow(/timeout/i);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it("lifts both limits for a report's read", async () => {
    const reader = new ReportDataReader(dataSource);
    const query = {
      sql: `SELECT pg_sleep(0.6)::text AS slept, $1::text AS org`,
      params: ['org'],
      columns: [],
    };
    const rows = await reader.read(query, async (stream) => {
      // The consumer is slow too: the snapshot idles past the pool's idle limit.
      await new Promise((resolve) => setTimeout(resolve, 600));
      const read: unknown[] = [];
      for await (const row of stream) read.push(row);
      return read;
    });
    expect(rows).toEqual([{ slept: '', org: 'org' }]);
  });
});
