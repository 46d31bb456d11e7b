import { DataSource } from 'typeorm';
import { dataSourceOptions } from 'src/database/data-source-options';
import { TEST_DATABASE_URL } from 'test/utils/test-env';

describe('entities and migrations', () => {
  let dataSource: DataSource;

  beforeAll(async () => {
    dataSource = await new DataSource(dataSourceOptions(TEST_DATABASE_URL)).initialize();
  });
  afterAll(() => dataSource.destroy());

  it('describe the same schema (no drift)', async () => {
    const sql = await dataSource.driver.createSchemaBuilder().log();
    expect(sql.upQueries.map((q) => q.query)).toEqual([]);
  });

  it('have nothing pending after the global setup migrated', async () => {
    expect(await dataSource.showMigrations()).toBe(false);
  });

  it('every migration can be reverted and re-applied', async () => {
    const migrations = dataSource.migrations.length;
    for (let i = 0; i < migrations; i += 1)
      await dataSource.undoLastMigration({ transaction: 'each' });
    const tables = await dataSource.query(
      `SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = 'public' AND table_name <> 'typeorm_migrations'`,
    );
    expect(tables[0].n).toBe(0);
    await dataSource.runMigrations({ transaction: 'each' });
    const sql = await dataSource.driver.createSchemaBuilder().log();
    expect(sql.upQueries).toEqual([]);
  });
});
