import { newMember, newOrg, scheduleBody, TestMember, tokenFor } from 'test/factories';
import { clientFor } from 'test/utils/http-client';
import { createTestApp, TestApp } from 'test/utils/test-app';
import { waitFor } from 'test/utils/wait-for';

jest.setTimeout(60_000);

describe('members lifecycle: deactivation, data access, erasure', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ role: 'api' });
  });
  afterAll(() => t.close());

  /** An org whose admin and editor have called the API once (so both are provisioned). */
  async function team() {
    const orgId = (await newOrg(t.db, { allowed_email_domains: ['acme.example'] })).id;
    const admin = newMember(orgId, { roles: ['admin'] });
    const editor = newMember(orgId, { roles: ['editor'], email: 'eddie@acme.example' });
    for (const member of [admin, editor])
      await clientFor(t, member).get('/api/members').expect(200);
    const [{ id: editorId }] = await t.db.query(
      `SELECT id FROM members WHERE organization_id = $1 AND user_id = $2`,
      [orgId, editor.sub],
    );
    return { orgId, admin, editor, editorId: editorId as string };
  }

  const schedule = async (owner: TestMember, overrides: Record<string, unknown> = {}) =>
    (await clientFor(t, owner).post('/api/scheduled-reports', scheduleBody(overrides)).expect(201))
      .body;

  /** A token the identity provider issued `seconds` from now (iat is whole seconds). */
  const tokenIssuedIn = (member: TestMember, seconds: number) =>
    tokenFor(member, { extraClaims: { iat: Math.floor(Date.now() / 1000) + seconds } });

  it("refuses the deactivated member's tokens, takes them off recipient lists and pauses their schedules", async () => {
    const { admin, editor, editorId } = await team();
    const theirs = await schedule(editor, { name: 'Eddie owns this' });
    const naming = await schedule(admin, {
      name: 'Sent to Eddie',
      recipients: [
        { type: 'user_id', value: editor.sub },
        { type: 'email', value: 'Eddie@acme.example' },
        { type: 'email', value: 'finance@acme.example' },
      ],
    });

    await clientFor(t, admin).delete(`/api/admin/members/${editorId}`).expect(204);

    // The token the editor holds was issued before: 401, and it does not re-provision them.
    await clientFor(t, editor).get('/api/members').expect(401);
    const [row] = await t.db.query(`SELECT is_active FROM members WHERE id = $1`, [editorId]);
    expect(row.is_active).toBe(false);
    const as = clientFor(t, admin);
    const updated = await waitFor('the member off the recipient list', async () => {
      const body = (await as.get(`/api/scheduled-reports/${naming.id}`).expect(200)).body;
      return body.recipients.length === 1 && body;
    });
    expect(updated.recipients).toEqual([{ type: 'email', value: 'finance@acme.example' }]);
    expect((await as.get(`/api/scheduled-reports/${theirs.id}`).expect(200)).body.status).toBe(
      'paused',
    );
    // Idempotent.
    await as.delete(`/api/admin/members/${editorId}`).expect(204);
  });

  it('lets a token the identity provider issued after the deactivation in again', async () => {
    const { admin, editor, editorId } = await team();
    await clientFor(t, admin).delete(`/api/admin/members/${editorId}`).expect(204);

    await t
      .http()
      .get('/api/members')
      .set('Authorization', `Bearer ${tokenIssuedIn(editor, 2)}`)
      .expect(200);
    const [row] = await t.db.query(`SELECT is_active, deactivated_at FROM members WHERE id = $1`, [
      editorId,
    ]);
    expect(row).toEqual({ is_active: true, deactivated_at: null });
  });

  it('answers 404 for another org, 403 for a non-admin, 409 for oneself', async () => {
    const { admin, editor, editorId } = await team();
    const other = await team();
    const [{ id: adminId }] = await t.db.query(`SELECT id FROM members WHERE user_id = $1`, [
      admin.sub,
    ]);

    await clientFor(t, other.admin).delete(`/api/admin/members/${editorId}`).expect(404);
    await clientFor(t, other.admin).get(`/api/admin/members/${editorId}/data`).expect(404);
    await clientFor(t, editor).delete(`/api/admin/members/${adminId}`).expect(403);
    await clientFor(t, editor).get(`/api/admin/members/${adminId}/data`).expect(403);
    await clientFor(t, admin).delete(`/api/admin/members/${adminId}`).expect(409);
    await clientFor(t, admin).delete('/api/admin/members/not-a-uuid').expect(400);
    await clientFor(t, admin).delete(`/api/admin/members/${editorId}?erase=maybe`).expect(400);
  });

  it('exports everything held about a member', async () => {
    const { admin, editor, editorId } = await team();
    const theirs = await schedule(editor, { name: 'Eddie owns this' });
    const naming = await schedule(admin, {
      name: 'Sent to Eddie',
      recipients: [{ type: 'email', value: 'eddie@acme.example' }],
    });

    const data = (await clientFor(t, admin).get(`/api/admin/members/${editorId}/data`).expect(200))
      .body;

    expect(data.member).toMatchObject({ id: editorId, user_id: editor.sub, email: editor.email });
    expect(data.schedules_created.map((s: { id: string }) => s.id)).toEqual([theirs.id]);
    expect(data.recipient_of).toEqual([
      {
        schedule_id: naming.id,
        name: 'Sent to Eddie',
        recipient_type: 'email',
        recipient_value: 'eddie@acme.example',
      },
    ]);
    expect(data.audit_entries.map((e: { action: string }) => e.action)).toContain(
      'schedule.created',
    );
  });

  it('erases on request: name and address dropped, audit entries kept under a pseudonym', async () => {
    const { orgId, admin, editor, editorId } = await team();
    await schedule(editor, { name: 'Eddie owns this' });

    await clientFor(t, admin).delete(`/api/admin/members/${editorId}?erase=true`).expect(204);

    const [member] = await t.db.query(`SELECT email, name FROM members WHERE id = $1`, [editorId]);
    expect(member).toEqual({ email: null, name: null });
    const entries: { actor: string; action: string }[] = await t.db.query(
      `SELECT actor, action FROM audit_logs WHERE organization_id = $1 ORDER BY created_at, id`,
      [orgId],
    );
    expect(entries.some((e) => e.actor === editor.sub)).toBe(false);
    expect(entries).toEqual(
      expect.arrayContaining([
        { actor: `erased-member:${editorId}`, action: 'schedule.created' },
        { actor: admin.sub, action: 'member.erased' },
      ]),
    );
  });
});
