import { newMember, newOrg, TestMember, tokenFor } from 'test/factories';
import { createTestApp, TestApp } from 'test/utils/test-app';

const TOKEN = 'xoxb-1234567890-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx';

describe('admin: Slack integration and webhook secret', () => {
  let t: TestApp;
  let orgId: string;
  let admin: TestMember;
  let editor: TestMember;
  let viewer: TestMember;
  let outsider: TestMember;

  const as = (member: TestMember) => {
    const auth = { Authorization: `Bearer ${tokenFor(member)}` };
    return {
      get: (url: string) => t.http().get(url).set(auth),
      put: (url: string, body: object) => t.http().put(url).set(auth).send(body),
      post: (url: string) => t.http().post(url).set(auth),
      delete: (url: string) => t.http().delete(url).set(auth),
    };
  };
  const orgRow = async (id: string) =>
    (
      await t.db.query(
        `SELECT slack_bot_token_encrypted, webhook_secret, webhook_secret_previous,
                webhook_secret_rotated_at
           FROM organizations WHERE id = $1`,
        [id],
      )
    )[0];
  const auditLogs = async (member: TestMember, action: string) =>
    (await as(member).get(`/api/admin/audit-logs?action=${action}&limit=100`).expect(200)).body;

  beforeAll(async () => {
    t = await createTestApp();
    orgId = (await newOrg(t.db)).id;
    admin = newMember(orgId, { roles: ['admin'] });
    editor = newMember(orgId, { roles: ['editor'] });
    viewer = newMember(orgId, { roles: ['viewer'] });
    outsider = newMember((await newOrg(t.db)).id, { roles: ['admin'] });
  });
  afterAll(() => t.close());

  describe('Slack', () => {
    it('is not configured at first', async () => {
      const res = await as(admin).get('/api/admin/integrations/slack').expect(200);
      expect(res.body).toEqual({ configured: false });
    });

    it('stores the token encrypted and answers with a hint only', async () => {
      const res = await as(admin)
        .put('/api/admin/integrations/slack', { bot_token: TOKEN })
        .expect(200);
      expect(res.body).toEqual({
        configured: true,
        token_hint: 'xoxb-…UvWx',
        updated_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT.*Z$/),
      });
      expect(JSON.stringify(res.body)).not.toContain(TOKEN.slice(5, -4));
      const row = await orgRow(orgId);
      expect(row.slack_bot_token_encrypted).toMatch(/^v1\./);
      expect(row.slack_bot_token_encrypted).not.toContain('xoxb');

      const again = await as(admin).get('/api/admin/integrations/slack').expect(200);
      expect(again.body).toEqual(res.body);
    });

    it('never shows the token in the settings or the audit log', async () => {
      const settings = await as(admin).get('/api/admin/settings').expect(200);
      expect(settings.body.slack_configured).toBe(true);
      expect(JSON.stringify(settings.body)).not.toContain('xoxb');
      const logs = await auditLogs(admin, 'integration.slack.updated');
      expect(logs.total).toBe(1);
      expect(logs.data[0]).toMatchObject({ actor: admin.sub, resource_id: orgId });
      expect(logs.data[0].details).toEqual({ configured: true, token_hint: 'xoxb-…UvWx' });
      expect(JSON.stringify(logs)).not.toContain(TOKEN.slice(5, -4));
    });

    it.each([
      ['no token', {}, /bot_token/],
      ['a number', { bot_token: 42 }, /bot_token/],
      ['another token kind', { bot_token: 'xoxa-1234567890-1234567890123-abcdef' }, /xoxb-/],
      ['a "Bearer " prefix', { bot_token: `Bearer ${TOKEN}` }, /xoxb-/],
      ['trailing whitespace', { bot_token: `${TOKEN} ` }, /xoxb-/],
      ['too short', { bot_token: 'xoxb-short' }, /bot_token/],
      ['too long', { bot_token: `xoxb-${'a'.repeat(300)}` }, /bot_token/],
      ['an unknown field', { bot_token: TOKEN, channel: '#general' }, /should not exist/],
    ])('rejects %s and keeps the stored token', async (_label, body, pattern) => {
      const before = await orgRow(orgId);
      const res = await as(admin).put('/api/admin/integrations/slack', body).expect(400);
      expect(([] as string[]).concat(res.body.message).join(' ')).toMatch(pattern);
      expect(JSON.stringify(res.body)).not.toContain(TOKEN.slice(5, -4));
      expect((await orgRow(orgId)).slack_bot_token_encrypted).toBe(
        before.slack_bot_token_encrypted,
      );
    });

    it('replaces the token with a new one', async () => {
      const res = await as(admin)
        .put('/api/admin/integrations/slack', { bot_token: 'xoxp-99999999999-newtokenZZZ9' })
        .expect(200);
      expect(res.body.token_hint).toBe('xoxp-…ZZZ9');
      expect((await auditLogs(admin, 'integration.slack.updated')).total).toBe(2);
    });

    it('is for admins only', async () => {
      await as(editor).put('/api/admin/integrations/slack', { bot_token: TOKEN }).expect(403);
      await as(viewer).get('/api/admin/integrations/slack').expect(403);
      await as(editor).delete('/api/admin/integrations/slack').expect(403);
      await as(editor).post('/api/admin/webhook-secret').expect(403);
      await as(viewer).post('/api/admin/webhook-secret').expect(403);
      await t.http().get('/api/admin/integrations/slack').expect(401);
    });

    it("is invisible to another organization's admin", async () => {
      const res = await as(outsider).get('/api/admin/integrations/slack').expect(200);
      expect(res.body).toEqual({ configured: false });
    });

    it('disconnects, audited, and a repeated DELETE is harmless', async () => {
      await as(admin).delete('/api/admin/integrations/slack').expect(204);
      await as(admin).delete('/api/admin/integrations/slack').expect(204);
      expect((await as(admin).get('/api/admin/integrations/slack')).body).toEqual({
        configured: false,
      });
      expect((await orgRow(orgId)).slack_bot_token_encrypted).toBeNull();
      expect((await auditLogs(admin, 'integration.slack.removed')).total).toBe(1);
    });
  });

  describe('webhook secret', () => {
    it('creates a secret, then rotates it keeping the previous one for 24 h', async () => {
      const first = await as(admin).post('/api/admin/webhook-secret').expect(201);
      expect(first.body).toEqual({
        secret: expect.stringMatching(/^whsec_[A-Za-z0-9_-]{43}$/),
        rotated_at: expect.any(String),
        previous_secret_expires_at: null,
      });
      const afterFirst = await orgRow(orgId);
      expect(afterFirst.webhook_secret).toMatch(/^v1\./);
      expect(afterFirst.webhook_secret).not.toContain(first.body.secret);
      expect(afterFirst.webhook_secret_previous).toBeNull();

      const second = await as(admin).post('/api/admin/webhook-secret').expect(201);
      expect(second.body.secret).not.toBe(first.body.secret);
      const rotatedAt = Date.parse(second.body.rotated_at);
      expect(Date.parse(second.body.previous_secret_expires_at) - rotatedAt).toBe(86_400_000);
      const afterSecond = await orgRow(orgId);
      expect(afterSecond.webhook_secret_previous).toBe(afterFirst.webhook_secret);
      expect(afterSecond.webhook_secret).not.toBe(afterFirst.webhook_secret);
      expect(afterSecond.webhook_secret_rotated_at.getTime()).toBe(rotatedAt);

      const settings = await as(admin).get('/api/admin/settings').expect(200);
      expect(settings.body.webhook_secret_configured).toBe(true);
      const logs = await auditLogs(admin, 'webhook_secret.rotated');
      expect(logs.total).toBe(2);
      expect(logs.data[0]).toMatchObject({ actor: admin.sub, resource_id: orgId });
      const text = JSON.stringify(logs);
      expect(text).not.toContain(first.body.secret);
      expect(text).not.toContain(second.body.secret);
    });

    it("does not touch another organization's secrets", async () => {
      const other = (await newOrg(t.db)).id;
      const otherAdmin = newMember(other, { roles: ['admin'] });
      await as(otherAdmin).post('/api/admin/webhook-secret').expect(201);
      const before = await orgRow(orgId);
      const otherBefore = await orgRow(other);

      await as(admin).post('/api/admin/webhook-secret').expect(201);
      expect(await orgRow(other)).toEqual(otherBefore);
      await as(otherAdmin).post('/api/admin/webhook-secret').expect(201);
      const after = await orgRow(orgId);
      expect(after.webhook_secret_previous).toBe(before.webhook_secret);
      expect((await orgRow(other)).webhook_secret_previous).toBe(otherBefore.webhook_secret);

      const otherLogs = await auditLogs(otherAdmin, 'webhook_secret.rotated');
      expect(otherLogs.total).toBe(2);
      expect(otherLogs.data.every((l: { actor: string }) => l.actor === otherAdmin.sub)).toBe(true);
    });
  });

  it('documents the routes in Swagger with examples, 401/403 and the 400 body', async () => {
    const doc = (await t.http().get('/docs-json').expect(200)).body;
    const slack = doc.paths['/api/admin/integrations/slack'];
    expect(Object.keys(slack).sort()).toEqual(['delete', 'get', 'put']);
    expect(Object.keys(slack.put.responses)).toEqual(
      expect.arrayContaining(['200', '400', '401', '403']),
    );
    expect(Object.keys(slack.delete.responses)).toContain('204');
    const rotate = doc.paths['/api/admin/webhook-secret'].post;
    expect(Object.keys(rotate.responses)).toEqual(expect.arrayContaining(['201', '401', '403']));
    const schemas = doc.components.schemas;
    expect(schemas.UpdateSlackIntegrationDto.properties.bot_token.example).toMatch(/^xoxb-/);
    expect(schemas.SlackIntegrationDto.properties.token_hint.example).toBe('xoxb-…UvWx');
    expect(schemas.WebhookSecretDto.properties.secret.example).toMatch(/^whsec_/);
  });
});
