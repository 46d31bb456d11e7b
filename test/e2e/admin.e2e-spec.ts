import { newMember, newOrg, scheduleBody, TestMember, tokenFor } from 'test/factories';
import { createTestApp, TestApp } from 'test/utils/test-app';

describe('admin: settings and audit logs', () => {
  let t: TestApp;
  let orgId: string;
  let admin: TestMember;
  let editor: TestMember;
  let viewer: TestMember;
  let outsider: TestMember;

  const call = (member: TestMember) => ({
    get: (url: string) =>
      t
        .http()
        .get(url)
        .set('Authorization', `Bearer ${tokenFor(member)}`),
    put: (url: string, body: object) =>
      t
        .http()
        .put(url)
        .set('Authorization', `Bearer ${tokenFor(member)}`)
        .send(body),
    post: (url: string, body: object) =>
      t
        .http()
        .post(url)
        .set('Authorization', `Bearer ${tokenFor(member)}`)
        .send(body),
  });

  beforeAll(async () => {
    t = await createTestApp();
    orgId = (await newOrg(t.db)).id;
    admin = newMember(orgId, { roles: ['admin'] });
    editor = newMember(orgId, { roles: ['editor'] });
    viewer = newMember(orgId, { roles: ['viewer'] });
    outsider = newMember((await newOrg(t.db)).id, { roles: ['admin'] });
  });
  afterAll(() => t.close());

  it('shows the settings with their defaults and no secrets', async () => {
    const res = await call(admin).get('/api/admin/settings').expect(200);
    expect(res.body).toEqual({
      allowed_email_domains: ['acme.example'],
      max_active_schedules: 100,
      max_recipients: 50,
      run_now_per_hour: 20,
      retention_days: 90,
      history_days: 400,
      audit_retention_days: 2555,
      max_concurrent_generations: 2,
      overlap_policy: 'queue',
      attachment_limit_bytes: 10485760,
      link_ttl_hours: 72,
      email_budget_per_day: 10000,
      brand_name: null,
      slack_configured: false,
      webhook_secret_configured: false,
    });
  });

  it('updates some settings, keeps the others, and audits the change', async () => {
    const res = await call(admin)
      .put('/api/admin/settings', {
        allowed_email_domains: ['Acme.example', 'corp.example'],
        brand_name: 'Acme',
      })
      .expect(200);
    expect(res.body).toMatchObject({
      allowed_email_domains: ['acme.example', 'corp.example'],
      brand_name: 'Acme',
      retention_days: 90,
    });
    const logs = await call(admin).get('/api/admin/audit-logs?action=settings.updated').expect(200);
    expect(logs.body.total).toBe(1);
    expect(logs.body.data[0]).toMatchObject({
      actor: admin.sub,
      resource_type: 'organization',
      resource_id: orgId,
    });
    expect(logs.body.data[0].details.brand_name).toEqual({ from: null, to: 'Acme' });
  });

  it.each([
    [{ retention_days: 0 }, /retention_days/],
    [{ max_recipients: 'ten' }, /max_recipients/],
    [{ allowed_email_domains: ['not a domain'] }, /allowed_email_domains/],
    [{ slack_bot_token_encrypted: 'x' }, /should not exist/],
    [{ link_ttl_hours: 10000 }, /link_ttl_hours/],
    [{ history_days: 3 }, /history_days/],
    [{ max_concurrent_generations: 0 }, /max_concurrent_generations/],
    [{ max_concurrent_generations: 101 }, /max_concurrent_generations/],
    [{ overlap_policy: 'skip' }, /overlap_policy/],
    [{ retention_days: 500 }, /history_days \(400\) must be at least retention_days \(500\)/],
  ])('rejects %j and changes nothing', async (body, pattern) => {
    const before = await call(admin).get('/api/admin/settings');
    const res = await call(admin).put('/api/admin/settings', body).expect(400);
    expect(([] as string[]).concat(res.body.message).join(' ')).toMatch(pattern);
    const after = await call(admin).get('/api/admin/settings');
    expect(after.body).toEqual(before.body);
  });

  it('is for admins only', async () => {
    await call(editor).get('/api/admin/settings').expect(403);
    await call(viewer).put('/api/admin/settings', { retention_days: 5 }).expect(403);
    await call(editor).get('/api/admin/audit-logs').expect(403);
  });

  it('filters audit logs by actor, action, resource and time, newest first', async () => {
    const created = await call(editor).post('/api/scheduled-reports', scheduleBody()).expect(201);
    const id = created.body.id;
    await t
      .http()
      .patch(`/api/scheduled-reports/${id}`)
      .set('Authorization', `Bearer ${tokenFor(editor)}`)
      .send({ name: 'n2' })
      .expect(200);
    const byResource = await call(admin).get(`/api/admin/audit-logs?resource_id=${id}`).expect(200);
    expect(byResource.body.data.map((l: { action: string }) => l.action)).toEqual([
      'schedule.updated',
      'schedule.created',
    ]);
    // The editor's own entries: its provisioning and its denials too, besides the two changes.
    const byActor = await call(admin)
      .get(`/api/admin/audit-logs?actor=${editor.sub}&limit=100`)
      .expect(200);
    expect(byActor.body.data.every((l: { actor: string }) => l.actor === editor.sub)).toBe(true);
    expect(byActor.body.data.map((l: { action: string }) => l.action)).toEqual(
      expect.arrayContaining(['schedule.updated', 'schedule.created', 'member.provisioned']),
    );
    const firstOfActor = await call(admin)
      .get(`/api/admin/audit-logs?actor=${editor.sub}&limit=1`)
      .expect(200);
    expect(firstOfActor.body).toMatchObject({ limit: 1, next_cursor: expect.any(String) });
    expect(firstOfActor.body.data).toHaveLength(1);
    expect(firstOfActor.body.total).toBeGreaterThanOrEqual(3);
    const future = await call(admin)
      .get('/api/admin/audit-logs?from=2999-01-01T00:00:00Z')
      .expect(200);
    expect(future.body.total).toBe(0);
    await call(admin).get('/api/admin/audit-logs?from=yesterday').expect(400);
    await call(admin).get('/api/admin/audit-logs?resource_id=42').expect(400);
  });

  it("never shows another organization's entries", async () => {
    const res = await call(outsider).get('/api/admin/audit-logs?limit=100').expect(200);
    expect(
      res.body.data.every(
        (l: { actor: string }) => l.actor !== admin.sub && l.actor !== editor.sub,
      ),
    ).toBe(true);
    const settings = await call(outsider).get('/api/admin/settings').expect(200);
    expect(settings.body.brand_name).toBeNull();
  });
});
