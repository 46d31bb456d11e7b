import { execFile } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { OrganizationSecretsService } from 'src/modules/organizations/organization-secrets.service';
import type { Organization } from 'src/modules/organizations/entities/organization.entity';
import { newMember, newOrg, TestMember } from 'test/factories';
import { clientFor } from 'test/utils/http-client';
import { useManualTicks } from 'test/utils/manual-ticks';
import { runReportNow } from 'test/utils/run-report';
import { seedOrgData } from 'test/utils/seed-org';
import { createTestApp, TestApp } from 'test/utils/test-app';
import { TEST_APP_SECRET, TEST_DATABASE_URL, TEST_STORAGE_DIR } from 'test/utils/test-env';

jest.setTimeout(180_000);

const KEY_B = 'the-next-app-key-0123456789';
/** The ring after a rotation: B is current, the old APP_SECRET stays as k0 to verify and open. */
const ROTATED = `kb:${KEY_B},k0:${TEST_APP_SECRET}`;

/** A token as minted before key ids: HMAC with APP_SECRET itself over "purpose.payload". */
function legacyToken(purpose: string, payload: object, secret = TEST_APP_SECRET): string {
  const encoded = Buffer.from(JSON.stringify(payload)).toString('base64url');
  const mac = createHmac('sha256', secret).update(`${purpose}.${encoded}`).digest('base64url');
  return `${encoded}.${mac}`;
}

function keyIdOf(path: string): unknown {
  const token = path.split('/').pop()!;
  return JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString('utf8')).k;
}

describe('keys and links', () => {
  let t: TestApp;
  let orgId: string;
  let editor: TestMember;

  const as = (member: TestMember, app: TestApp = t) => clientFor(app, member);
  const run = () => runReportNow(t, editor, { recipients: [] });
  const linkPath = async (member: TestMember, executionId: string, app: TestApp = t) => {
    const res = await as(member, app)
      .post(`/api/report-executions/${executionId}/download-link`)
      .expect(200);
    return new URL(res.body.url as string).pathname;
  };
  /**
   * Another app on the same database with another key ring. They stay up until the end: passport
   * keeps one JWT strategy per process, the last app's, so closing an app early would break the
   * authenticated requests of the others.
   */
  const rings = new Map<string, Promise<TestApp>>();
  const withApp = async (appSecrets: string, body: (app: TestApp) => Promise<void>) => {
    if (!rings.has(appSecrets)) {
      rings.set(appSecrets, createTestApp({ env: { APP_SECRETS: appSecrets } }));
    }
    await body(await rings.get(appSecrets)!);
  };

  beforeAll(async () => {
    t = await createTestApp({ role: 'all' });
    useManualTicks(t.app);
    orgId = (await newOrg(t.db)).id;
    editor = newMember(orgId, { roles: ['editor'] });
    await seedOrgData({ orgId, invoices: 200, usageEvents: 10, customers: 10 });
  });
  afterAll(async () => {
    for (const app of rings.values()) await (await app).close();
    await t.close();
  });

  describe('GET /api/files/:token', () => {
    it('answers 410 once the schedule of the execution is deleted', async () => {
      const execution = await run();
      const path = await linkPath(editor, execution.id);
      await t.http().get(path).expect(200);

      await as(editor)
        .delete(`/api/scheduled-reports/${execution.scheduled_report_id}`)
        .expect(204);

      const gone = await t.http().get(path).expect(410);
      expect(gone.body).toMatchObject({ code: 'GONE', message: expect.stringMatching(/deleted/) });
    });

    it('answers 410 once the file is gone from storage', async () => {
      const execution = await run();
      const path = await linkPath(editor, execution.id);
      rmSync(join(TEST_STORAGE_DIR, ...(execution.file_key as string).split('/')));
      const gone = await t.http().get(path).expect(410);
      expect(gone.body).toMatchObject({ code: 'GONE' });
    });
  });

  describe('POST /api/report-executions/:id/revoke-links', () => {
    it('makes every earlier link answer 410; a link made afterwards works; it is audited', async () => {
      const execution = await run();
      const first = await linkPath(editor, execution.id);
      const second = await linkPath(editor, execution.id);
      await t.http().get(first).expect(200);

      const revoked = await as(editor)
        .post(`/api/report-executions/${execution.id}/revoke-links`)
        .expect(200);
      expect(revoked.body).toEqual({
        execution_id: execution.id,
        links_revoked_at: expect.any(String),
      });

      for (const path of [first, second]) {
        const gone = await t.http().get(path).expect(410);
        expect(gone.body).toMatchObject({
          code: 'GONE',
          message: expect.stringMatching(/revoked/),
        });
      }
      const third = await linkPath(editor, execution.id);
      await t.http().get(third).expect(200);
      // Members still download through the API: only links were withdrawn.
      await as(editor).get(`/api/report-executions/${execution.id}/download`).expect(200);

      const [row] = await t.db.query(
        `SELECT links_revoked_at FROM report_executions WHERE id = $1`,
        [execution.id],
      );
      expect(new Date(row.links_revoked_at).toISOString()).toBe(revoked.body.links_revoked_at);
      const audit = await t.db.query(
        `SELECT actor, details FROM audit_logs WHERE resource_id = $1 AND action = 'download_links.revoked'`,
        [execution.id],
      );
      expect(audit).toEqual([
        {
          actor: editor.sub,
          details: { links_revoked_at: revoked.body.links_revoked_at },
        },
      ]);

      // Revoking again also covers the links made since.
      await as(editor).post(`/api/report-executions/${execution.id}/revoke-links`).expect(200);
      await t.http().get(third).expect(410);
    });

    it('follows the schedule-change rules: viewer 403, another editor 403, admin 200', async () => {
      const execution = await run();
      const path = await linkPath(editor, execution.id);
      const url = `/api/report-executions/${execution.id}/revoke-links`;

      const viewer = newMember(orgId, { roles: ['viewer'] });
      const refused = await as(viewer).post(url).expect(403);
      expect(refused.body).toMatchObject({ code: 'FORBIDDEN' });
      await as(newMember(orgId, { roles: ['editor'] }))
        .post(url)
        .expect(403);
      await t.http().get(path).expect(200);

      await as(newMember(orgId, { roles: ['admin'] }))
        .post(url)
        .expect(200);
      await t.http().get(path).expect(410);
    });

    it("answers 404 for another organization's execution and changes nothing", async () => {
      const execution = await run();
      const path = await linkPath(editor, execution.id);
      const outsider = newMember((await newOrg(t.db)).id, { roles: ['admin'] });
      const res = await as(outsider)
        .post(`/api/report-executions/${execution.id}/revoke-links`)
        .expect(404);
      expect(res.body).toMatchObject({ code: 'EXECUTION_NOT_FOUND' });
      await t.http().get(path).expect(200);
      await as(editor)
        .post('/api/report-executions/00000000-0000-4000-8000-000000000000/revoke-links')
        .expect(404);
      await as(editor).post('/api/report-executions/not-a-uuid/revoke-links').expect(400);
    });
  });

  describe('key rotation', () => {
    it('a link minted under the old key still downloads after APP_SECRETS=B,old; an unknown key id is a 404', async () => {
      const execution = await run();
      const old = await linkPath(editor, execution.id);

      await withApp(ROTATED, async (rotated) => {
        await rotated.http().get(old).expect(200);
        expect(keyIdOf(old)).toBe('k0');
        const fresh = await linkPath(editor, execution.id, rotated);
        expect(keyIdOf(fresh)).toBe('kb');
        await rotated.http().get(fresh).expect(200);
        // The app still on the old ring has never heard of kb: an invalid link, not a 500.
        const unknown = await t.http().get(fresh).expect(404);
        expect(unknown.body).toMatchObject({ code: 'NOT_FOUND' });
      });
      // Once the old key leaves the ring, its links are invalid.
      await withApp(`kb:${KEY_B}`, async (onlyB) => {
        await onlyB.http().get(old).expect(404);
      });
    });

    it('links and unsubscribe tokens minted before key ids verify with k0 only', async () => {
      const execution = await run();
      const expiresAt = Math.floor(Date.now() / 1000) + 3600;
      const link = `/api/files/${legacyToken('download-link:v1', {
        e: execution.id,
        o: orgId,
        x: expiresAt,
      })}`;
      const unsubscribe = `/api/unsubscribe/${legacyToken('unsubscribe:v1', {
        o: orgId,
        s: execution.scheduled_report_id,
        t: 'email',
        v: 'finance@acme.example',
      })}`;

      await t.http().get(link).expect(200);
      await withApp(ROTATED, async (rotated) => {
        await rotated.http().get(link).expect(200);
        await rotated.http().get(unsubscribe).expect(200);
      });
      // The same secret under another id is not k0: the legacy scheme is k0's alone.
      await withApp(`k1:${TEST_APP_SECRET}`, async (renamed) => {
        await renamed.http().get(link).expect(404);
        await renamed.http().post(unsubscribe).expect(404);
      });
      await t.http().post(unsubscribe).expect(200);

      // A link without an issue time predates any revocation.
      await as(editor).post(`/api/report-executions/${execution.id}/revoke-links`).expect(200);
      await t.http().get(link).expect(410);
    });

    it('sealed secrets stay readable: after B is put first, re-sealed by keys:reseal, then without the old key', async () => {
      const admin = newMember(orgId, { roles: ['admin'] });
      const set = await as(admin)
        .put('/api/admin/integrations/slack', { bot_token: 'xoxb-1111-2222-rotation' })
        .expect(200);
      await as(admin).post('/api/admin/webhook-secret').expect(201);

      await withApp(ROTATED, async (rotated) => {
        const read = await as(admin, rotated).get('/api/admin/integrations/slack').expect(200);
        expect(read.body).toEqual(set.body);
      });
      expect((await sealedOf(t)).slack).toMatch(/^v1\.k0\./);
      await withApp(`kb:${KEY_B}`, async (onlyB) => {
        const read = await as(admin, onlyB).get('/api/admin/integrations/slack').expect(200);
        expect(read.body).toEqual({ configured: false });
      });

      const first = await reseal(ROTATED);
      expect(first).toMatch(/2 value\(s\) sealed again with key 'kb'/);
      const sealedAfter = await sealedOf(t);
      expect(sealedAfter.slack).toMatch(/^v1\.kb\./);
      expect(sealedAfter.webhook).toMatch(/^v1\.kb\./);
      expect(await reseal(ROTATED)).toMatch(/0 value\(s\) sealed again/);

      await withApp(`kb:${KEY_B}`, async (onlyB) => {
        const read = await as(admin, onlyB).get('/api/admin/integrations/slack').expect(200);
        expect(read.body).toEqual(set.body);
        const [org] = await onlyB.db.query(`SELECT * FROM organizations WHERE id = $1`, [orgId]);
        const secrets = onlyB.app.get(OrganizationSecretsService);
        expect(secrets.webhookSecrets(org as Organization, new Date())).toEqual([
          expect.stringMatching(/^whsec_/),
        ]);
      });
    });

    async function sealedOf(app: TestApp): Promise<{ slack: string; webhook: string }> {
      const [row] = await app.db.query(
        `SELECT slack_bot_token_encrypted AS slack, webhook_secret AS webhook FROM organizations WHERE id = $1`,
        [orgId],
      );
      return row;
    }

    /** `npm run keys:reseal` for this test's organization, as an operator would run it. */
    async function reseal(appSecrets: string): Promise<string> {
      const { stdout } = await promisify(execFile)(
        'npm',
        ['run', '--silent', 'keys:reseal', '--', '--org', orgId],
        {
          env: {
            PATH: process.env.PATH,
            HOME: process.env.HOME,
            DATABASE_URL: TEST_DATABASE_URL,
            APP_SECRETS: appSecrets,
          },
        },
      );
      return stdout;
    }
  });
});
