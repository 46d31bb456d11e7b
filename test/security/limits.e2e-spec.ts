import { newMember, newOrg, scheduleBody, TestMember, tokenFor } from 'test/factories';
import { clientFor } from 'test/utils/http-client';
import { createTestApp, TestApp } from 'test/utils/test-app';

jest.setTimeout(120_000);

describe('abuse limits', () => {
  describe('with the API alone (runs stay pending, so a second click finds one in flight)', () => {
    let t: TestApp;

    beforeAll(async () => {
      t = await createTestApp({ role: 'api' });
    });
    afterAll(() => t.close());

    async function team(settings: Record<string, unknown>) {
      const orgId = (await newOrg(t.db, { max_active_schedules: 3 })).id;
      const admin = newMember(orgId, { roles: ['admin'] });
      await clientFor(t, admin).put('/api/admin/settings', settings).expect(200);
      return { orgId, admin, editor: newMember(orgId), other: newMember(orgId) };
    }

    const create = async (member: TestMember) =>
      (await clientFor(t, member).post('/api/scheduled-reports', scheduleBody()).expect(201)).body;

    it('counts run-now per member, and a click on a run already in flight costs nothing', async () => {
      const { editor, other } = await team({ run_now_per_hour: 2, max_active_schedules: 10 });
      const [a, b, c] = [await create(editor), await create(editor), await create(editor)];
      const as = clientFor(t, editor);

      const first = (await as.post(`/api/scheduled-reports/${a.id}/run`).expect(202)).body;
      // In flight: the same execution back, and no hit spent.
      const again = (await as.post(`/api/scheduled-reports/${a.id}/run`).expect(202)).body;
      expect(again.id).toBe(first.id);
      await as.post(`/api/scheduled-reports/${b.id}/run`).expect(202);

      const refused = await as.post(`/api/scheduled-reports/${c.id}/run`).expect(429);
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
      expect(refused.body).toMatchObject({ code: 'RATE_LIMITED' });
      expect(refused.body.message).toMatch(/^run-now_per_user_per_hour: each member may start 2/);
      // Another member's budget is their own.
      const theirs = await create(other);
      await clientFor(t, other).post(`/api/scheduled-reports/${theirs.id}/run`).expect(202);
    });

    it('starts one run for parallel clicks on a schedule, and spends one hit for them all', async () => {
      const { editor } = await team({ run_now_per_hour: 2, max_active_schedules: 10 });
      const [a, b, c] = [await create(editor), await create(editor), await create(editor)];
      const as = clientFor(t, editor);

      const clicks = await Promise.all(
        Array.from({ length: 6 }, () => as.post(`/api/scheduled-reports/${a.id}/run`)),
      );
      expect(clicks.map((r) => r.status)).toEqual(Array(6).fill(202));
      expect(new Set(clicks.map((r) => r.body.id)).size).toBe(1);
      expect(
        await t.db.query(
          `SELECT id FROM report_executions WHERE scheduled_report_id = $1 AND trigger = 'manual'`,
          [a.id],
        ),
      ).toHaveLength(1);

      // Six clicks cost one hit: a second schedule still runs, a third is past the budget.
      await as.post(`/api/scheduled-reports/${b.id}/run`).expect(202);
      await as.post(`/api/scheduled-reports/${c.id}/run`).expect(429);
      expect(
        await t.db.query(`SELECT id FROM report_executions WHERE scheduled_report_id = $1`, [c.id]),
      ).toHaveLength(0);
    });

    it('lets parallel creates pass the active-schedule quota exactly once each', async () => {
      const { editor } = await team({ max_active_schedules: 3 });
      const as = clientFor(t, editor);
      const answers = await Promise.all(
        Array.from({ length: 10 }, () => as.post('/api/scheduled-reports', scheduleBody())),
      );

      expect(answers.map((r) => r.status).sort()).toEqual([
        201, 201, 201, 409, 409, 409, 409, 409, 409, 409,
      ]);
      expect(answers.find((r) => r.status === 409)?.body.code).toBe('QUOTA_EXCEEDED');
    });
  });
});

describe('event streams', () => {
  let t: TestApp;
  let base: string;

  beforeAll(async () => {
    t = await createTestApp({ role: 'api' });
    await t.app.listen(0, '127.0.0.1');
    base = await t.app.getUrl();
  });
  afterAll(() => t.close());

  /** A pending run (no worker here), watched by `member`. */
  async function pendingRun(member: TestMember) {
    const schedule = (
      await clientFor(t, member).post('/api/scheduled-reports', scheduleBody()).expect(201)
    ).body;
    return (await clientFor(t, member).post(`/api/scheduled-reports/${schedule.id}/run`)).body;
  }

  it('end when the token that opened them expires', async () => {
    const member = newMember((await newOrg(t.db)).id);
    const run = await pendingRun(member);
    const token = tokenFor(member, { expiresIn: 2 });
    const started = Date.now();

    const res = await fetch(`${base}/api/report-executions/${run.id}/events`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    const text = await res.text(); // resolves once the server ends the stream

    expect(res.status).toBe(200);
    expect(text).toContain('"status":"pending"');
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it('are capped per member: the sixth answers 429 before any stream opens', async () => {
    const member = newMember((await newOrg(t.db)).id);
    const run = await pendingRun(member);
    const url = `${base}/api/report-executions/${run.id}/events`;
    const headers = { Authorization: `Bearer ${tokenFor(member)}` };
    const holders = Array.from({ length: 5 }, () => new AbortController());
    try {
      for (const holder of holders) {
        const res = await fetch(url, { headers, signal: holder.signal });
        expect(res.status).toBe(200);
      }
      const refused = await fetch(url, { headers });
      expect(refused.status).toBe(429);
      expect(((await refused.json()) as { message: string }).message).toMatch(
        /^event_streams_per_member/,
      );
      // Another member is not affected.
      const other = newMember(member.orgId, { sub: 'someone-else' });
      const theirs = new AbortController();
      const allowed = await fetch(url, {
        headers: { Authorization: `Bearer ${tokenFor(other)}` },
        signal: theirs.signal,
      });
      expect(allowed.status).toBe(200);
      theirs.abort();
    } finally {
      holders.forEach((h) => h.abort());
    }
  });
});

describe('requests per member', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ role: 'api', env: { RATE_LIMIT_PER_MINUTE: '3' } });
  });
  afterAll(() => t.close());

  it('answers 429 past the per-minute budget, naming the limit, and counts each member apart', async () => {
    const orgId = (await newOrg(t.db)).id;
    const busy = clientFor(t, newMember(orgId));
    for (let i = 0; i < 3; i += 1) await busy.get('/api/report-types').expect(200);

    const refused = await busy.get('/api/report-types').expect(429);
    expect(refused.body.message).toMatch(/^requests_per_member_per_minute: a member may make 3/);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    await clientFor(t, newMember(orgId)).get('/api/report-types').expect(200);
    // Unauthenticated and public routes are not counted against anyone.
    await t.http().get('/health').expect(200);
  });
});
