import { Client } from 'pg';
import { PrivatePostgres } from 'test/utils/private-postgres';

/** The tool the PostgreSQL faults rely on: a server of the test's own that really goes away. */
describe('PrivatePostgres', () => {
  const pg = new PrivatePostgres();
  beforeAll(() => pg.start(), 60_000);
  afterAll(() => pg.destroy());

  it('is migrated, drops its clients when killed, and comes back on the same port', async () => {
    const client = new Client({ connectionString: pg.url });
    client.on('error', () => undefined);
    await client.connect();
    const { rows } = await client.query(`SELECT count(*)::int AS n FROM typeorm_migrations`);
    expect(rows[0].n).toBeGreaterThan(0);
    try {
      pg.stop('immediate');
      await expect(client.query('SELECT 1')).rejects.toThrow();
    } finally {
      pg.up();
    }
    const again = new Client({ connectionString: pg.url });
    await again.connect();
    await expect(again.query('SELECT 1 AS one')).resolves.toMatchObject({ rows: [{ one: 1 }] });
    await again.end();
    await client.end().catch(() => undefined);
  });
});
