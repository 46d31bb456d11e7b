import { completedExecution, newMember, newOrg, scheduleBody, TestMember } from 'test/factories';
import { clientFor } from 'test/utils/http-client';
import { createTestApp, TestApp } from 'test/utils/test-app';

// What SQL, a path or a header would read specially, in every filter and token the API takes.
const HOSTILE = [
  "' OR '1'='1",
  "x'; DROP TABLE scheduled_reports; --",
  '%',
  '_',
  '\\',
  '$1',
  'ünïcødé ☃',
  '../../etc/passwd',
  '<script>alert(1)</script>',
];

describe('hostile input', () => {
  let t: TestApp;
  let admin: TestMember;
  let other: TestMember;

  beforeAll(async () => {
    t = await createTestApp({ role: 'api' });
    admin = newMember((await newOrg(t.db)).id, { roles: ['admin'] });
    other = newMember((await newOrg(t.db)).id, { roles: ['admin'] });
    await clientFor(t, admin).post('/api/scheduled-reports', scheduleBody({ name: 'Mine' }));
    await clientFor(t, other).post('/api/scheduled-reports', scheduleBody({ name: 'Theirs' }));
  });
  afterAll(() => t.close());

  it.each([
    ['/api/scheduled-reports', 'q'],
    ['/api/scheduled-reports', 'report_type'],
    ['/api/members', 'q'],
    ['/api/admin/audit-logs', 'actor'],
    ['/api/admin/audit-logs', 'action'],
  ])('%s?%s= answers only the caller’s rows, never 500, whatever the text', async (path, param) => {
    for (const value of HOSTILE) {
      const res = await clientFor(t, admin).get(`${path}?${param}=${encodeURIComponent(value)}`);
      expect([200, 400]).toContain(res.status);
      if (res.status === 200) {
        // `%` and `_` are literal characters, not wildcards: nothing matches them here.
        expect(JSON.stringify(res.body)).not.toContain('Theirs');
        expect(res.body.data).toEqual([]);
      }
    }
  });

  it('keeps a name with CR/LF and markup as text, echoed back, never a header', async () => {
    const name = 'Weekly\r\nBcc: attacker@evil.test\r\n<b>x</b>';
    const res = await clientFor(t, admin)
      .post('/api/scheduled-reports', scheduleBody({ name }))
      .expect(201);
    expect(res.body.name).toBe(name);
    expect(res.headers).not.toHaveProperty('bcc');
  });

  it.each([
    ['a path climbing out', '..%2F..%2Fetc%2Fpasswd'],
    ['an encoded path', '%2e%2e%2f%2e%2e%2fstorage'],
    ['a token of nothing', 'a.b'],
    ['an unsigned empty payload', 'e30.e30'],
    ['5,000 characters', 'x'.repeat(5000)],
  ])(
    'answers 404 to a signed-link route fed %s, never a file, never 500',
    async (_label, token) => {
      for (const route of ['/api/files/', '/api/unsubscribe/']) {
        const res = await t.http().get(`${route}${token}`);
        expect([400, 404]).toContain(res.status);
        expect(res.headers['content-disposition']).toBeUndefined();
      }
    },
  );

  it("refuses a link token edited to name another organization's file", async () => {
    const [schedule] = await t.db.query(
      `SELECT id, organization_id FROM scheduled_reports WHERE organization_id = $1 LIMIT 1`,
      [admin.orgId],
    );
    const execution = await completedExecution(t.db, admin.orgId, schedule.id, 'manual');
    const { url } = (
      await clientFor(t, admin)
        .post(`/api/report-executions/${execution.id}/download-link`)
        .expect(200)
    ).body;
    const [payload, mac] = (url as string).split('/api/files/')[1].split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    const edited = Buffer.from(JSON.stringify({ ...claims, o: other.orgId })).toString('base64url');

    await t.http().get(`/api/files/${edited}.${mac}`).expect(404);
  });
});
