import { Logger } from '@nestjs/common';
import { newMember, newOrg, scheduleBody, TestMember, tokenFor } from 'test/factories';
import { clientFor } from 'test/utils/http-client';
import { createTestApp, TestApp } from 'test/utils/test-app';
import { waitFor } from 'test/utils/wait-for';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ERROR_KEYS = ['code', 'error', 'message', 'request_id', 'statusCode'];

interface Entry {
  actor: string;
  action: string;
  resource_id: string | null;
  details: Record<string, unknown>;
  request_id: string | null;
}

describe('audit trail (attacker’s view)', () => {
  let t: TestApp;
  let orgId: string;
  let admin: TestMember;
  let editor: TestMember;

  const as = (member: TestMember) => clientFor(t, member);
  const entries = (org: string, action: string): Promise<Entry[]> =>
    t.db.query(
      `SELECT actor, action, resource_id, details, request_id FROM audit_logs
        WHERE organization_id = $1 AND action = $2 ORDER BY created_at, id`,
      [org, action],
    );

  beforeAll(async () => {
    t = await createTestApp();
    orgId = (await newOrg(t.db)).id;
    admin = newMember(orgId, { roles: ['admin'] });
    editor = newMember(orgId, { roles: ['editor'] });
  });
  afterAll(() => t.close());

  describe('a state change and its entry commit together', () => {
    // A real failure of the audit INSERT: a check constraint that refuses this org's schedule
    // entries (NOT VALID: existing rows are not checked), so the database itself rolls back.
    const breakScheduleAuditOf = (org: string) =>
      t.db.query(
        `ALTER TABLE audit_logs ADD CONSTRAINT test_refuse_schedule_audit
           CHECK (organization_id <> '${org}'::uuid OR action NOT LIKE 'schedule.%') NOT VALID`,
      );
    const repairAudit = () =>
      t.db.query(`ALTER TABLE audit_logs DROP CONSTRAINT IF EXISTS test_refuse_schedule_audit`);
    afterEach(async () => {
      jest.restoreAllMocks();
      await repairAudit();
    });

    it('create, update, pause, resume and delete change nothing when their entry fails', async () => {
      // The 500s below are expected; their stack traces would only bury real failures.
      jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
      const org = (await newOrg(t.db)).id;
      const owner = newMember(org, { roles: ['editor'] });
      const active = (await as(owner).post('/api/scheduled-reports', scheduleBody()).expect(201))
        .body;
      const paused = (
        await as(owner)
          .post('/api/scheduled-reports', scheduleBody({ name: 'Paused' }))
          .expect(201)
      ).body;
      await as(owner).post(`/api/scheduled-reports/${paused.id}/pause`).expect(200);
      const rowsBefore = await t.db.query(
        `SELECT * FROM scheduled_reports WHERE organization_id = $1 ORDER BY id`,
        [org],
      );
      const entriesBefore = await t.db.query(
        `SELECT count(*)::int AS n FROM audit_logs WHERE organization_id = $1`,
        [org],
      );

      await breakScheduleAuditOf(org);
      const failed = await as(owner)
        .post('/api/scheduled-reports', scheduleBody({ name: 'Never stored' }))
        .expect(500);
      expect(failed.body.code).toBe('INTERNAL');
      await as(owner)
        .put(`/api/scheduled-reports/${active.id}`, scheduleBody({ name: 'X' }))
        .expect(500);
      await as(owner).patch(`/api/scheduled-reports/${active.id}`, { name: 'Renamed' }).expect(500);
      await as(owner).post(`/api/scheduled-reports/${active.id}/pause`).expect(500);
      await as(owner).post(`/api/scheduled-reports/${paused.id}/resume`).expect(500);
      await as(owner).delete(`/api/scheduled-reports/${active.id}`).expect(500);

      expect(
        await t.db.query(`SELECT * FROM scheduled_reports WHERE organization_id = $1 ORDER BY id`, [
          org,
        ]),
      ).toEqual(rowsBefore);
      expect(
        await t.db.query(`SELECT count(*)::int AS n FROM audit_logs WHERE organization_id = $1`, [
          org,
        ]),
      ).toEqual(entriesBefore);

      await repairAudit();
      await as(owner).patch(`/api/scheduled-reports/${active.id}`, { name: 'Renamed' }).expect(200);
      expect((await entries(org, 'schedule.updated')).map((e) => e.resource_id)).toEqual([
        active.id,
      ]);
    });
  });

  describe('provisioning and role changes', () => {
    it('records a first login once, however many requests it fires at once', async () => {
      const ana = newMember(orgId, { roles: ['editor'], permissions: ['usage:read'] });
      const answers = await Promise.all(
        Array.from({ length: 6 }, () => as(ana).get('/api/scheduled-reports').expect(200)),
      );
      const provisioned = await entries(orgId, 'member.provisioned');
      const mine = provisioned.filter((e) => e.actor === ana.sub);
      expect(mine).toHaveLength(1);
      const [member] = await t.db.query(
        `SELECT id FROM members WHERE organization_id = $1 AND user_id = $2`,
        [orgId, ana.sub],
      );
      expect(mine[0]).toMatchObject({
        resource_id: member.id,
        details: {
          roles: ['editor'],
          permissions: ['usage:read'],
          email: ana.email,
          display_name: ana.name,
        },
      });
      expect(answers.map((a) => a.headers['x-request-id'])).toContain(mine[0].request_id);

      await as(ana).get('/api/scheduled-reports').expect(200);
      expect(
        (await entries(orgId, 'member.provisioned')).filter((e) => e.actor === ana.sub),
      ).toHaveLength(1);
      expect(
        (await entries(orgId, 'member.roles_changed')).filter((e) => e.actor === ana.sub),
      ).toEqual([]);
    });

    it('records a changed role or permission with before and after, once per change', async () => {
      const bo = newMember(orgId, { roles: ['viewer'], permissions: ['usage:read'] });
      await as(bo).get('/api/members').expect(200);
      const promoted = { ...bo, roles: ['editor' as const] };
      await Promise.all(
        Array.from({ length: 6 }, () => as(promoted).get('/api/members').expect(200)),
      );
      const widened = { ...promoted, permissions: ['billing:read', 'usage:read'] };
      await as(widened).get('/api/members').expect(200);
      await as(widened).get('/api/members').expect(200);
      const changes = (await entries(orgId, 'member.roles_changed')).filter(
        (e) => e.actor === bo.sub,
      );
      expect(changes.map((e) => e.details)).toEqual([
        {
          before: { roles: ['viewer'], permissions: ['usage:read'] },
          after: { roles: ['editor'], permissions: ['usage:read'] },
        },
        {
          before: { roles: ['editor'], permissions: ['usage:read'] },
          after: { roles: ['editor'], permissions: ['billing:read', 'usage:read'] },
        },
      ]);
    });
  });

  describe('denials', () => {
    const denialsOf = async (org: string, requestId: string) =>
      (await entries(org, 'access.denied')).filter((e) => e.request_id === requestId);

    it('records a role guard’s 403 and leaves the answer as it was', async () => {
      const res = await as(editor).get('/api/admin/audit-logs?limit=5').expect(403);
      expect(Object.keys(res.body).sort()).toEqual(ERROR_KEYS);
      expect(res.body).toMatchObject({ statusCode: 403, code: 'FORBIDDEN' });
      expect(res.body.request_id).toBe(res.headers['x-request-id']);
      const [entry] = await waitFor('the denial entry', async () => {
        const found = await denialsOf(orgId, res.headers['x-request-id']);
        return found.length > 0 && found;
      });
      expect(entry).toMatchObject({
        actor: editor.sub,
        resource_id: null,
        details: {
          status: 403,
          method: 'GET',
          route: '/api/admin/audit-logs',
          reason: res.body.message,
        },
      });
    });

    it('records a service’s ForbiddenError (another editor’s schedule) under the route pattern', async () => {
      const schedule = (await as(editor).post('/api/scheduled-reports', scheduleBody()).expect(201))
        .body;
      const other = newMember(orgId, { roles: ['editor'] });
      const res = await as(other)
        .patch(`/api/scheduled-reports/${schedule.id}`, { name: 'Mine now' })
        .set('X-Request-Id', 'attacker-chosen-id')
        .expect(403);
      expect(Object.keys(res.body).sort()).toEqual(ERROR_KEYS);
      const [entry] = await waitFor('the denial entry', async () => {
        const found = await denialsOf(orgId, res.headers['x-request-id']);
        return found.length > 0 && found;
      });
      expect(entry).toMatchObject({
        actor: other.sub,
        details: {
          status: 403,
          method: 'PATCH',
          route: '/api/scheduled-reports/:id',
          reason: 'editors may change only the schedules they created',
          client_request_id: 'attacker-chosen-id',
        },
      });
    });

    it('logs a 401 but writes nothing into the organization its token names', async () => {
      const warn = jest.spyOn(Logger.prototype, 'warn');
      try {
        const victim = (await newOrg(t.db)).id;
        const forged = tokenFor(newMember(victim, { roles: ['admin'] }), {
          secret: 'not-the-secret-of-this-service',
        });
        const res = await t
          .http()
          .get('/api/admin/audit-logs')
          .set('Authorization', `Bearer ${forged}`)
          .expect(401);
        expect(Object.keys(res.body).sort()).toEqual(ERROR_KEYS);
        const requestId = res.headers['x-request-id'];
        await waitFor('the denial log line', async () =>
          warn.mock.calls.some(
            ([line]) => String(line).includes(requestId) && String(line).includes('"status":401'),
          ),
        );
        expect(
          await t.db.query(`SELECT action FROM audit_logs WHERE organization_id = $1`, [victim]),
        ).toEqual([]);
      } finally {
        warn.mockRestore();
      }
    });
  });

  describe('request ids', () => {
    it('are ours, whatever the client sends; the client’s is kept apart', async () => {
      const a = await as(editor)
        .post('/api/scheduled-reports', scheduleBody({ name: 'Correlated' }))
        .set('X-Request-Id', 'client-12345678')
        .expect(201);
      const b = await as(editor)
        .get('/api/scheduled-reports')
        .set('X-Request-Id', 'client-12345678')
        .expect(200);
      expect(a.headers['x-request-id']).toMatch(UUID);
      expect(b.headers['x-request-id']).toMatch(UUID);
      expect(a.headers['x-request-id']).not.toBe(b.headers['x-request-id']);
      const [created] = await t.db.query(
        `SELECT request_id, details FROM audit_logs WHERE resource_id = $1 AND action = 'schedule.created'`,
        [a.body.id],
      );
      expect(created.request_id).toBe(a.headers['x-request-id']);
      expect(created.details.client_request_id).toBe('client-12345678');

      const missing = await t
        .http()
        .get('/api/no-such-route')
        .set('X-Request-Id', 'client-12345678')
        .expect(404);
      expect(missing.headers['x-request-id']).toMatch(UUID);
      expect(missing.body.request_id).toBe(missing.headers['x-request-id']);
    });
  });

  describe('GET /api/admin/audit-logs with cursors', () => {
    it('walks every entry once through next_cursor, keeping the filters', async () => {
      const schedule = (
        await as(editor)
          .post('/api/scheduled-reports', scheduleBody({ name: 'Walked' }))
          .expect(201)
      ).body;
      for (const name of ['w1', 'w2', 'w3', 'w4']) {
        await as(editor).patch(`/api/scheduled-reports/${schedule.id}`, { name }).expect(200);
      }
      const first = await as(admin)
        .get(`/api/admin/audit-logs?resource_id=${schedule.id}&limit=2`)
        .expect(200);
      expect(first.body).toMatchObject({ page: 1, limit: 2, total: 5 });
      const seen: string[] = first.body.data.map((l: { action: string }) => l.action);
      let cursor: string | null = first.body.next_cursor;
      while (cursor) {
        const page = await as(admin)
          .get(`/api/admin/audit-logs?resource_id=${schedule.id}&limit=2&cursor=${cursor}`)
          .expect(200);
        expect(page.body).not.toHaveProperty('total');
        seen.push(...page.body.data.map((l: { action: string }) => l.action));
        cursor = page.body.next_cursor;
      }
      expect(seen).toEqual([...Array(4).fill('schedule.updated'), 'schedule.created']);

      await as(admin)
        .get(`/api/admin/audit-logs?cursor=${first.body.next_cursor}&page=2`)
        .expect(400);
      const forged = await as(admin)
        .get('/api/admin/audit-logs?cursor=bm90LWEtY3Vyc29y')
        .expect(400);
      expect(forged.body.code).toBe('VALIDATION_FAILED');
    });
  });

  describe('audit_log_export needs admin as well as audit:read', () => {
    const body = scheduleBody({
      name: 'Trail',
      report_type: 'audit_log_export',
      report_parameters: { date_range: { preset: 'previous_week' } },
    });

    it('refuses an editor or a viewer holding audit:read: to create, run or download', async () => {
      const chief = newMember(orgId, { roles: ['admin'], permissions: ['audit:read'] });
      const refused = await as(newMember(orgId, { roles: ['editor'], permissions: ['audit:read'] }))
        .post('/api/scheduled-reports', body)
        .expect(403);
      expect(refused.body.message).toMatch(/admin role/);

      const schedule = (await as(chief).post('/api/scheduled-reports', body).expect(201)).body;
      const demoted = { ...chief, roles: ['editor' as const] };
      await as(demoted).post(`/api/scheduled-reports/${schedule.id}/run`).expect(403);
      await as(demoted)
        .patch(`/api/scheduled-reports/${schedule.id}`, { name: 'Mine' })
        .expect(403);

      const run = (await as(chief).post(`/api/scheduled-reports/${schedule.id}/run`).expect(202))
        .body;
      const reader = newMember(orgId, { roles: ['viewer'], permissions: ['audit:read'] });
      const download = await as(reader)
        .get(`/api/report-executions/${run.id}/download`)
        .expect(403);
      expect(download.body.message).toMatch(/admin role/);
      // The admin passes the check and meets the run's state instead.
      await as(chief).get(`/api/report-executions/${run.id}/download`).expect(409);
    });
  });
});
