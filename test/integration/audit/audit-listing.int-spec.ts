import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { Actor } from 'src/common/auth/actor';
import { ValidationFailedError } from 'src/common/errors/domain-error';
import { dataSourceOptions } from 'src/database/data-source-options';
import { AuditRepository } from 'src/modules/audit/audit.repository';
import { AuditService } from 'src/modules/audit/audit.service';
import { AuditLog } from 'src/modules/audit/entities/audit-log.entity';
import { TEST_DATABASE_URL } from 'test/utils/test-env';

describe('audit listing with keyset cursors', () => {
  let dataSource: DataSource;
  let service: AuditService;
  let actor: Actor;
  let ids: string[]; // newest first, as the listing orders them

  beforeAll(async () => {
    dataSource = await new DataSource(dataSourceOptions(TEST_DATABASE_URL)).initialize();
    service = new AuditService(new AuditRepository(dataSource.getRepository(AuditLog)));
    const orgId = randomUUID();
    await dataSource.query(`INSERT INTO organizations (id, name) VALUES ($1, 'cursors')`, [orgId]);
    actor = { userId: 'admin', orgId, roles: ['admin'], permissions: [] };
    // Ties a millisecond cursor would lose: equal instants, and instants a microsecond apart.
    const instants = [
      '2026-11-28T09:00:00.000001Z',
      '2026-11-28T09:00:00.000002Z',
      '2026-11-28T09:00:00.000002Z',
      '2026-11-28T09:00:00.000002Z',
      '2026-11-28T09:00:00.000900Z',
      '2026-11-28T09:00:01Z',
      '2026-11-28T09:00:01Z',
    ];
    for (const [i, at] of instants.entries()) {
      await dataSource.query(
        `INSERT INTO audit_logs (organization_id, actor, action, resource_type, created_at)
         VALUES ($1, $2, $3, 'scheduled_report', $4)`,
        [orgId, i % 2 ? 'ana' : 'bob', i % 3 ? 'schedule.updated' : 'schedule.created', at],
      );
    }
    const rows: { id: string }[] = await dataSource.query(
      `SELECT id FROM audit_logs WHERE organization_id = $1 ORDER BY created_at DESC, id DESC`,
      [orgId],
    );
    ids = rows.map((r) => r.id);
  });
  afterAll(() => dataSource.destroy());

  const walk = async (filter: Parameters<AuditService['list']>[1], limit: number) => {
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await service.list(actor, filter, { cursor, limit });
      seen.push(...page.data.map((l) => l.id));
      cursor = page.next_cursor ?? undefined;
      pages += 1;
      expect(pages).toBeLessThan(20);
    } while (cursor);
    return seen;
  };

  it.each([1, 2, 3, 7, 100])('visits every entry once, newest first, %i a page', async (limit) => {
    expect(await walk({}, limit)).toEqual(ids);
  });

  it('keeps the filters across pages', async () => {
    const all = await service.list(actor, { actor: 'ana' }, { limit: 100 });
    expect(all.data.length).toBe(3);
    expect(await walk({ actor: 'ana' }, 1)).toEqual(all.data.map((l) => l.id));
  });

  it('answers page and total without a cursor, and the same next_cursor as the cursor walk', async () => {
    const first = await service.list(actor, {}, { limit: 3 });
    expect(first).toMatchObject({ page: 1, total: ids.length, limit: 3 });
    expect(first.next_cursor).toEqual(expect.any(String));
    const second = await service.list(actor, {}, { page: 2, limit: 3 });
    expect(second.data.map((l) => l.id)).toEqual(ids.slice(3, 6));
    const viaCursor = await service.list(actor, {}, { cursor: first.next_cursor!, limit: 3 });
    expect(viaCursor.data.map((l) => l.id)).toEqual(ids.slice(3, 6));
    expect(viaCursor).not.toHaveProperty('total');
    expect(viaCursor).not.toHaveProperty('page');
  });

  it('ends with a null next_cursor', async () => {
    const last = await service.list(actor, {}, { page: 3, limit: 3 });
    expect(last.data.map((l) => l.id)).toEqual(ids.slice(6));
    expect(last.next_cursor).toBeNull();
  });

  it('refuses a cursor together with a page, and a forged cursor', async () => {
    const first = await service.list(actor, {}, { limit: 1 });
    await expect(
      service.list(actor, {}, { cursor: first.next_cursor!, page: 2, limit: 1 }),
    ).rejects.toThrow(ValidationFailedError);
    await expect(service.list(actor, {}, { cursor: 'eyJ4IjoxfQ', limit: 1 })).rejects.toThrow(
      ValidationFailedError,
    );
  });
});
