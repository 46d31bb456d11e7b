import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from 'src/database/data-source-options';
import { AuditRepository } from 'src/modules/audit/audit.repository';
import { AuditLog } from 'src/modules/audit/entities/audit-log.entity';
import { TEST_DATABASE_URL } from 'test/utils/test-env';

// A plain pg client on the migrated test database, as the app's role would talk to it: the
// guarantee lives in the database, not in the ORM.
describe('audit_logs is append-only', () => {
  let client: Client;
  let dataSource: DataSource;
  let repository: AuditRepository;

  const newOrg = async (): Promise<string> => {
    const id = randomUUID();
    await client.query(`INSERT INTO organizations (id, name) VALUES ($1, $2)`, [
      id,
      `Org ${id.slice(0, 8)}`,
    ]);
    return id;
  };
  const append = async (
    orgId: string,
    actor: string,
    details: Record<string, unknown> = {},
  ): Promise<string> => {
    const { rows } = await client.query<{ id: string }>(
      `INSERT INTO audit_logs (organization_id, actor, action, resource_type, resource_id, details)
       VALUES ($1, $2, 'schedule.created', 'scheduled_report', $3, $4) RETURNING id`,
      [orgId, actor, randomUUID(), details],
    );
    return rows[0].id;
  };
  const rowsOf = async (orgId: string) =>
    (
      await client.query(
        `SELECT id, actor, action, details FROM audit_logs WHERE organization_id = $1 ORDER BY id`,
        [orgId],
      )
    ).rows;

  beforeAll(async () => {
    client = new Client({ connectionString: TEST_DATABASE_URL });
    await client.connect();
    dataSource = await new DataSource(dataSourceOptions(TEST_DATABASE_URL)).initialize();
    repository = new AuditRepository(dataSource.getRepository(AuditLog));
  });
  afterAll(async () => {
    await client.end();
    await dataSource.destroy();
  });

  it('takes INSERTs', async () => {
    const orgId = await newOrg();
    await append(orgId, 'ana');
    expect(await rowsOf(orgId)).toHaveLength(1);
  });

  it.each([
    ['UPDATE', `UPDATE audit_logs SET actor = 'mallory' WHERE organization_id = $1`],
    ['UPDATE', `UPDATE audit_logs SET details = '{}' WHERE organization_id = $1`],
    ['DELETE', `DELETE FROM audit_logs WHERE organization_id = $1`],
  ])('refuses %s: %s', async (op, sql) => {
    const orgId = await newOrg();
    await append(orgId, 'ana', { name: 'Weekly' });
    const before = await rowsOf(orgId);
    await expect(client.query(sql, [orgId])).rejects.toMatchObject({
      code: '42501',
      message: `audit_logs is append-only: ${op} refused`,
    });
    expect(await rowsOf(orgId)).toEqual(before);
  });

  it('refuses TRUNCATE, also through CASCADE, even with the gate open', async () => {
    const orgId = await newOrg();
    await append(orgId, 'ana');
    await expect(client.query(`TRUNCATE audit_logs`)).rejects.toMatchObject({ code: '42501' });
    await expect(client.query(`TRUNCATE organizations CASCADE`)).rejects.toMatchObject({
      code: '42501',
    });
    await client.query('BEGIN');
    try {
      await client.query(`SET LOCAL app.audit_gate = 'delete'`);
      await expect(client.query(`TRUNCATE audit_logs`)).rejects.toMatchObject({ code: '42501' });
    } finally {
      await client.query('ROLLBACK');
    }
    expect(await rowsOf(orgId)).toHaveLength(1);
  });

  it("refuses an organization's deletion while it has entries (the cascade deletes rows)", async () => {
    const orgId = await newOrg();
    await append(orgId, 'ana');
    await expect(
      client.query(`DELETE FROM organizations WHERE id = $1`, [orgId]),
    ).rejects.toMatchObject({ code: '42501' });
  });

  describe('the gate', () => {
    const inTransaction = async (gate: string, sql: string, params: unknown[]) => {
      await client.query('BEGIN');
      try {
        await client.query(`SELECT set_config('app.audit_gate', $1, true)`, [gate]);
        const result = await client.query(sql, params);
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK');
        throw error;
      }
    };

    it("'anonymize' lets actor and details change, nothing else, and no DELETE", async () => {
      const orgId = await newOrg();
      await append(orgId, 'ana');
      const update = `UPDATE audit_logs SET actor = 'erased', details = '{}' WHERE organization_id = $1`;
      await expect(inTransaction('anonymize', update, [orgId])).resolves.toMatchObject({
        rowCount: 1,
      });
      for (const sql of [
        `UPDATE audit_logs SET action = 'schedule.deleted' WHERE organization_id = $1`,
        `UPDATE audit_logs SET created_at = now() - interval '1 year' WHERE organization_id = $1`,
        `UPDATE audit_logs SET organization_id = organization_id, resource_id = NULL WHERE organization_id = $1`,
        `DELETE FROM audit_logs WHERE organization_id = $1`,
      ]) {
        await expect(inTransaction('anonymize', sql, [orgId])).rejects.toMatchObject({
          code: '42501',
        });
      }
      expect(await rowsOf(orgId)).toMatchObject([{ actor: 'erased', action: 'schedule.created' }]);
    });

    it("'delete' lets rows go, and an organization with them", async () => {
      const orgId = await newOrg();
      await append(orgId, 'ana');
      await expect(
        inTransaction('delete', `UPDATE audit_logs SET actor = 'x' WHERE organization_id = $1`, [
          orgId,
        ]),
      ).rejects.toMatchObject({ code: '42501' });
      await inTransaction('delete', `DELETE FROM organizations WHERE id = $1`, [orgId]);
      expect(await rowsOf(orgId)).toEqual([]);
    });

    it('closes with its transaction: the next statement on the connection is refused again', async () => {
      const orgId = await newOrg();
      await append(orgId, 'ana');
      await inTransaction('anonymize', `SELECT 1`, []);
      await expect(
        client.query(`UPDATE audit_logs SET actor = 'x' WHERE organization_id = $1`, [orgId]),
      ).rejects.toMatchObject({ code: '42501' });
      // A gate set outside a transaction lasts for that one statement only.
      await client.query(`SELECT set_config('app.audit_gate', 'delete', true)`);
      await expect(
        client.query(`DELETE FROM audit_logs WHERE organization_id = $1`, [orgId]),
      ).rejects.toMatchObject({ code: '42501' });
    });
  });

  describe('AuditRepository', () => {
    it('anonymizeActor rewrites the member, keeps every event and touches no one else', async () => {
      const orgId = await newOrg();
      const otherOrg = await newOrg();
      await append(orgId, 'ana', {
        email: 'ana@acme.example',
        display_name: 'Ana',
        roles: ['admin'],
      });
      await append(orgId, 'ana', { name: 'Weekly invoices', report_type: 'invoice_summary' });
      await append(orgId, 'bob', { requested_for: 'ana', email: 'bob@acme.example' });
      await append(orgId, 'bob', { name: 'Bob’s own' });
      await append(otherOrg, 'ana', { email: 'ana@elsewhere.example' });

      expect(await repository.anonymizeActor(orgId, 'ana', 'erased-1')).toBe(3);

      const rows = (await rowsOf(orgId)).map(({ actor, action, details }) => ({
        actor,
        action,
        details,
      }));
      expect(rows).toHaveLength(4);
      expect(rows).toEqual(
        expect.arrayContaining([
          {
            actor: 'erased-1',
            action: 'schedule.created',
            details: { email: 'erased-1', display_name: 'erased-1', roles: ['admin'] },
          },
          {
            actor: 'erased-1',
            action: 'schedule.created',
            details: { name: 'Weekly invoices', report_type: 'invoice_summary' },
          },
          // Bob's entry keeps Bob's address; only the mention of ana goes.
          {
            actor: 'bob',
            action: 'schedule.created',
            details: { requested_for: 'erased-1', email: 'bob@acme.example' },
          },
          { actor: 'bob', action: 'schedule.created', details: { name: 'Bob’s own' } },
        ]),
      );
      expect(await rowsOf(otherOrg)).toMatchObject([
        { actor: 'ana', details: { email: 'ana@elsewhere.example' } },
      ]);
      // The gate closed with the repository's transaction.
      await expect(
        client.query(`UPDATE audit_logs SET actor = 'x' WHERE organization_id = $1`, [orgId]),
      ).rejects.toMatchObject({ code: '42501' });
    });

    it('deleteOlderThan removes only older entries of the organization', async () => {
      const orgId = await newOrg();
      const otherOrg = await newOrg();
      const backdated = (org: string) =>
        client.query(
          `INSERT INTO audit_logs (organization_id, actor, action, resource_type, created_at)
           VALUES ($1, 'ana', 'schedule.created', 'scheduled_report', now() - interval '400 days')`,
          [org],
        );
      await backdated(orgId);
      await backdated(otherOrg);
      const recent = await append(orgId, 'ana');
      const yearAgo = new Date(Date.now() - 365 * 86_400_000);
      expect(await repository.deleteOlderThan(orgId, yearAgo)).toBe(1);
      expect((await rowsOf(orgId)).map((r) => r.id)).toEqual([recent]);
      expect(await rowsOf(otherOrg)).toHaveLength(1);
    });
  });
});
