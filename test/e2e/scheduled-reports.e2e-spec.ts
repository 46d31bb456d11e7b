import { newMember, newOrg, scheduleBody, TestMember, tokenFor } from 'test/factories';
import { createTestApp, TestApp } from 'test/utils/test-app';

describe('scheduled reports API', () => {
  let t: TestApp;
  let orgId: string;
  let admin: TestMember;
  let editor: TestMember;
  let otherEditor: TestMember;
  let viewer: TestMember;
  let outsider: TestMember;

  const as = (member: TestMember) => {
    const auth = { Authorization: `Bearer ${tokenFor(member)}` };
    return {
      get: (url: string) => t.http().get(url).set(auth),
      post: (url: string, body?: object) => t.http().post(url).set(auth).send(body),
      put: (url: string, body: object) => t.http().put(url).set(auth).send(body),
      patch: (url: string, body: object) => t.http().patch(url).set(auth).send(body),
      delete: (url: string) => t.http().delete(url).set(auth),
    };
  };

  const create = async (member: TestMember, overrides: Record<string, unknown> = {}) => {
    const res = await as(member).post('/api/scheduled-reports', scheduleBody(overrides));
    expect(res.status).toBe(201);
    return res.body as { id: string; [key: string]: unknown };
  };

  beforeAll(async () => {
    t = await createTestApp();
    orgId = (await newOrg(t.db)).id;
    admin = newMember(orgId, { roles: ['admin'] });
    editor = newMember(orgId, { roles: ['editor'] });
    otherEditor = newMember(orgId, { roles: ['editor'] });
    viewer = newMember(orgId, { roles: ['viewer'] });
    outsider = newMember((await newOrg(t.db)).id, { roles: ['admin'] });
  });
  afterAll(() => t.close());

  describe('create', () => {
    it('stores the schedule and computes next_run_at in the schedule’s zone', async () => {
      const body = await create(editor);
      expect(body).toMatchObject({
        organization_id: orgId,
        created_by: editor.sub,
        name: 'Weekly invoices',
        report_type: 'invoice_summary',
        status: 'active',
        is_active: true,
        paused_by: null,
        paused_reason: null,
        last_run_at: null,
        output_format: 'csv',
        delivery_options: {},
      });
      const next = new Date(body.next_run_at as string);
      expect(next.getTime()).toBeGreaterThan(Date.now());
      // Monday 09:00 New York is 13:00Z (EDT) or 14:00Z (EST).
      expect(next.getUTCDay()).toBe(1);
      expect([13, 14]).toContain(next.getUTCHours());
      expect(body.created_at).toMatch(/Z$/);
    });

    it('is audited', async () => {
      const body = await create(editor);
      const rows = await t.db.query(
        `SELECT actor, action FROM audit_logs WHERE organization_id = $1 AND resource_id = $2`,
        [orgId, body.id],
      );
      expect(rows).toEqual([{ actor: editor.sub, action: 'schedule.created' }]);
    });

    it.each([
      'id',
      'organization_id',
      'created_by',
      'next_run_at',
      'last_run_at',
      'status',
      'is_active',
    ])('rejects the client-set field %s (mass assignment) and stores nothing', async (field) => {
      const before = await t.db.query('SELECT count(*)::int AS n FROM scheduled_reports');
      const res = await as(editor).post(
        '/api/scheduled-reports',
        scheduleBody({ [field]: field === 'organization_id' ? outsider.orgId : 'x' }),
      );
      expect(res.status).toBe(400);
      expect(res.body.message).toEqual(
        expect.arrayContaining([`property ${field} should not exist`]),
      );
      const after = await t.db.query('SELECT count(*)::int AS n FROM scheduled_reports');
      expect(after[0].n).toBe(before[0].n);
    });

    it('lets a viewer read but not create (403)', async () => {
      const res = await as(viewer).post('/api/scheduled-reports', scheduleBody());
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('FORBIDDEN');
    });

    it("needs the report type's permission (403)", async () => {
      const noBilling = newMember(orgId, { roles: ['editor'], permissions: ['usage:read'] });
      const res = await as(noBilling).post('/api/scheduled-reports', scheduleBody());
      expect(res.status).toBe(403);
      expect(res.body.message).toMatch(/billing:read/);
      await as(noBilling)
        .post(
          '/api/scheduled-reports',
          scheduleBody({
            report_type: 'usage_report',
            report_parameters: { date_range: { preset: 'yesterday' } },
          }),
        )
        .expect(201);
    });

    it('enforces the active-schedule quota with 409', async () => {
      const smallOrg = (await newOrg(t.db, { max_active_schedules: 1 })).id;
      const boss = newMember(smallOrg, { roles: ['admin'] });
      const first = await create(boss);
      const res = await as(boss).post('/api/scheduled-reports', scheduleBody());
      expect(res.status).toBe(409);
      expect(res.body.code).toBe('QUOTA_EXCEEDED');
      await as(boss).post(`/api/scheduled-reports/${first.id}/pause`).expect(200);
      // Pausing frees the slot: a new schedule takes it, and the paused one cannot come back.
      const second = await create(boss);
      expect(second.status).toBe('active');
      const resume = await as(boss).post(`/api/scheduled-reports/${first.id}/resume`);
      expect(resume.status).toBe(409);
      expect(resume.body.code).toBe('QUOTA_EXCEEDED');
    });
  });

  describe('read', () => {
    it('lists newest first with page, limit, status, report_type and q', async () => {
      const listOrg = (await newOrg(t.db)).id;
      const boss = newMember(listOrg, { roles: ['admin'] });
      const a = await create(boss, { name: 'Alpha invoices' });
      const b = await create(boss, {
        name: 'Beta usage',
        report_type: 'usage_report',
        report_parameters: { date_range: { preset: 'yesterday' } },
      });
      const c = await create(boss, { name: 'Gamma 100%_done' });
      await as(boss).post(`/api/scheduled-reports/${a.id}/pause`).expect(200);

      const all = await as(boss).get('/api/scheduled-reports').expect(200);
      expect(all.body).toMatchObject({ page: 1, limit: 20, total: 3 });
      expect(all.body.data.map((s: { id: string }) => s.id)).toEqual([c.id, b.id, a.id]);

      const page2 = await as(boss).get('/api/scheduled-reports?page=2&limit=2').expect(200);
      expect(page2.body).toMatchObject({ page: 2, limit: 2, total: 3 });
      expect(page2.body.data.map((s: { id: string }) => s.id)).toEqual([a.id]);

      const paused = await as(boss).get('/api/scheduled-reports?status=paused').expect(200);
      expect(paused.body.data.map((s: { id: string }) => s.id)).toEqual([a.id]);

      const usage = await as(boss)
        .get('/api/scheduled-reports?report_type=usage_report')
        .expect(200);
      expect(usage.body.data.map((s: { id: string }) => s.id)).toEqual([b.id]);

      const q = await as(boss).get('/api/scheduled-reports?q=beta').expect(200);
      expect(q.body.data.map((s: { id: string }) => s.id)).toEqual([b.id]);

      // % and _ are literal characters, not wildcards.
      const literal = await as(boss).get('/api/scheduled-reports?q=100%25_').expect(200);
      expect(literal.body.data.map((s: { id: string }) => s.id)).toEqual([c.id]);
      const noWildcard = await as(boss).get('/api/scheduled-reports?q=%25').expect(200);
      expect(noWildcard.body.data.map((s: { id: string }) => s.id)).toEqual([c.id]);
    });

    it.each([
      ['page=0', 'page must not be less than 1'],
      ['limit=101', 'limit must not be greater than 100'],
      ['status=deleted', 'status must be one of the following values: active, paused'],
      ['sort=name', 'property sort should not exist'],
    ])('rejects ?%s with 400', async (query, message) => {
      const res = await as(viewer).get(`/api/scheduled-reports?${query}`).expect(400);
      expect(res.body.message).toEqual(expect.arrayContaining([message]));
    });

    it('gets one; a malformed id is 400, an unknown one 404', async () => {
      const s = await create(editor);
      const res = await as(viewer).get(`/api/scheduled-reports/${s.id}`).expect(200);
      expect(res.body.id).toBe(s.id);
      await as(viewer).get('/api/scheduled-reports/not-a-uuid').expect(400);
      const missing = await as(viewer).get(
        '/api/scheduled-reports/00000000-0000-4000-8000-000000000000',
      );
      expect(missing.status).toBe(404);
      expect(missing.body.code).toBe('SCHEDULE_NOT_FOUND');
    });
  });

  describe('update', () => {
    it('PUT replaces the editable fields and recomputes next_run_at when the schedule changes', async () => {
      const s = await create(editor);
      const res = await as(editor)
        .put(
          `/api/scheduled-reports/${s.id}`,
          scheduleBody({
            name: 'Daily invoices',
            description: null,
            schedule_config: { cadence: 'daily', time: '07:15', timezone: 'Asia/Kolkata' },
          }),
        )
        .expect(200);
      expect(res.body).toMatchObject({ name: 'Daily invoices', description: null });
      const next = new Date(res.body.next_run_at);
      expect([next.getUTCHours(), next.getUTCMinutes()]).toEqual([1, 45]); // 07:15 IST = 01:45Z
    });

    it('PUT needs every editable field', async () => {
      const s = await create(editor);
      const res = await as(editor).put(`/api/scheduled-reports/${s.id}`, { name: 'x' }).expect(400);
      expect(res.body.message).toEqual(
        expect.arrayContaining([expect.stringMatching(/^report_type/)]),
      );
    });

    it('PATCH changes only what it names and keeps next_run_at when the schedule is unchanged', async () => {
      const s = await create(editor);
      const res = await as(editor)
        .patch(`/api/scheduled-reports/${s.id}`, { name: 'Renamed' })
        .expect(200);
      expect(res.body).toMatchObject({
        name: 'Renamed',
        description: 'For finance',
        next_run_at: s.next_run_at,
        schedule_config: s.schedule_config,
      });
    });

    it('PATCH validates the merged result (parameters against a new report type)', async () => {
      const s = await create(editor);
      const res = await as(editor)
        .patch(`/api/scheduled-reports/${s.id}`, { report_type: 'ar_aging' })
        .expect(400);
      expect(res.body.message.join(' ')).toMatch(/date_range/);
    });

    it('PATCH rejects fields the client may not set', async () => {
      const s = await create(editor);
      const res = await as(editor).patch(`/api/scheduled-reports/${s.id}`, {
        next_run_at: '2030-01-01T00:00:00Z',
      });
      expect(res.status).toBe(400);
      expect(res.body.message).toEqual(['property next_run_at should not exist']);
    });

    it('editors change only their own schedules; admins change any', async () => {
      const s = await create(editor);
      await as(otherEditor)
        .patch(`/api/scheduled-reports/${s.id}`, { name: 'Mine now' })
        .expect(403);
      await as(otherEditor).post(`/api/scheduled-reports/${s.id}/pause`).expect(403);
      await as(otherEditor).delete(`/api/scheduled-reports/${s.id}`).expect(403);
      await as(viewer).patch(`/api/scheduled-reports/${s.id}`, { name: 'x' }).expect(403);
      await as(admin).patch(`/api/scheduled-reports/${s.id}`, { name: 'Admin edit' }).expect(200);
    });
  });

  describe('pause, resume, delete', () => {
    it('pause clears next_run_at; resume recomputes it from now; both are idempotent', async () => {
      const s = await create(editor);
      const paused = await as(editor).post(`/api/scheduled-reports/${s.id}/pause`).expect(200);
      // A member's pause: paused_by says so, and only the service gives a reason.
      expect(paused.body).toMatchObject({
        status: 'paused',
        is_active: false,
        next_run_at: null,
        paused_by: 'user',
        paused_reason: null,
      });
      await as(editor).post(`/api/scheduled-reports/${s.id}/pause`).expect(200);
      const resumed = await as(editor).post(`/api/scheduled-reports/${s.id}/resume`).expect(200);
      expect(resumed.body).toMatchObject({
        status: 'active',
        is_active: true,
        next_run_at: s.next_run_at,
        paused_by: null,
        paused_reason: null,
      });
      await as(editor).post(`/api/scheduled-reports/${s.id}/resume`).expect(200);
      const actions = await t.db.query(
        `SELECT action FROM audit_logs WHERE resource_id = $1 ORDER BY created_at`,
        [s.id],
      );
      expect(actions.map((a: { action: string }) => a.action)).toEqual([
        'schedule.created',
        'schedule.paused',
        'schedule.resumed',
      ]);
    });

    it('delete is soft: 204, then 404 everywhere, while the row stays', async () => {
      const s = await create(editor);
      await as(editor).delete(`/api/scheduled-reports/${s.id}`).expect(204);
      await as(editor).get(`/api/scheduled-reports/${s.id}`).expect(404);
      await as(editor).delete(`/api/scheduled-reports/${s.id}`).expect(404);
      await as(editor).post(`/api/scheduled-reports/${s.id}/resume`).expect(404);
      const list = await as(editor).get('/api/scheduled-reports?limit=100').expect(200);
      expect(list.body.data.map((x: { id: string }) => x.id)).not.toContain(s.id);
      const [row] = await t.db.query('SELECT deleted_at FROM scheduled_reports WHERE id = $1', [
        s.id,
      ]);
      expect(row.deleted_at).not.toBeNull();
    });
  });

  describe('next runs', () => {
    it('gives count runs in UTC and local time', async () => {
      const s = await create(editor, {
        schedule_config: { cadence: 'daily', time: '09:30', timezone: 'Asia/Kathmandu' },
      });
      const res = await as(viewer)
        .get(`/api/scheduled-reports/${s.id}/next-runs?count=3`)
        .expect(200);
      expect(res.body.runs).toHaveLength(3);
      for (const run of res.body.runs) {
        expect(run.at).toMatch(/T03:45:00\.000Z$/);
        expect(run.local).toMatch(/T09:30:00\+05:45$/);
        expect(run.utc_offset).toBe('+05:45');
      }
      await as(viewer).get(`/api/scheduled-reports/${s.id}/next-runs?count=51`).expect(400);
      const defaults = await as(viewer).get(`/api/scheduled-reports/${s.id}/next-runs`).expect(200);
      expect(defaults.body.runs).toHaveLength(5);
    });
  });

  describe('cross-organization isolation', () => {
    let foreignId: string;
    beforeAll(async () => {
      foreignId = (await create(editor)).id;
    });

    it.each([
      ['get', 'GET', ''],
      ['put', 'PUT', ''],
      ['patch', 'PATCH', ''],
      ['delete', 'DELETE', ''],
      ['pause', 'POST', '/pause'],
      ['resume', 'POST', '/resume'],
      ['next-runs', 'GET', '/next-runs'],
    ])('another org’s admin gets 404 on %s', async (_label, method, suffix) => {
      const url = `/api/scheduled-reports/${foreignId}${suffix}`;
      const client = as(outsider);
      const res =
        method === 'GET'
          ? await client.get(url)
          : method === 'PUT'
            ? await client.put(url, scheduleBody())
            : method === 'PATCH'
              ? await client.patch(url, { name: 'x' })
              : method === 'DELETE'
                ? await client.delete(url)
                : await client.post(url);
      expect(res.status).toBe(404);
      expect(JSON.stringify(res.body)).not.toContain('Weekly invoices');
      const [row] = await t.db.query(
        'SELECT name, status, deleted_at FROM scheduled_reports WHERE id = $1',
        [foreignId],
      );
      expect(row).toEqual({ name: 'Weekly invoices', status: 'active', deleted_at: null });
    });

    it('another org does not see it in its list', async () => {
      const res = await as(outsider).get('/api/scheduled-reports?limit=100').expect(200);
      expect(res.body.data.map((x: { id: string }) => x.id)).not.toContain(foreignId);
    });
  });
});
