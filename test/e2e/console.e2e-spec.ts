import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLIENT_TYPES_FILE, renderClientTypes } from 'scripts/console-client';
import { consoleDirectory } from 'src/common/http/console-static';
import { newMember, newOrg, scheduleBody, TestMember, tokenFor } from 'test/factories';
import { createTestApp, TestApp } from 'test/utils/test-app';

describe('the web console at /app, and the API it adds', () => {
  let t: TestApp;
  let viewer: TestMember;

  beforeAll(async () => {
    t = await createTestApp();
    viewer = newMember((await newOrg(t.db)).id, { roles: ['viewer'] });
  });
  afterAll(() => t.close());

  describe('serving', () => {
    let assetPath: string;

    beforeAll(() => {
      const dir = consoleDirectory();
      if (!dir) throw new Error('dist/web/index.html is missing: run `npm run build` first');
      assetPath = /src="(\/app\/assets\/[^"]+\.js)"/.exec(
        readFileSync(join(dir, 'index.html'), 'utf8'),
      )![1];
    });

    it.each(['/app', '/app/', '/app/schedules/new', '/app/executions/x/y?z=1'])(
      'answers index.html for %s (deep links survive a reload)',
      async (path) => {
        const res = await t.http().get(path).expect(200);
        expect(res.type).toBe('text/html');
        expect(res.text).toContain('<div id="app">');
        expect(res.headers['cache-control']).toBe('no-cache');
        expect(res.headers['content-security-policy']).toContain("script-src 'self'");
      },
    );

    it('serves the built assets, cached for good, and 404s a missing one', async () => {
      const asset = await t.http().get(assetPath).expect(200);
      expect(asset.type).toBe('text/javascript');
      expect(asset.headers['cache-control']).toContain('immutable');
      await t.http().get('/app/assets/no-such-file.js').expect(404);
    });

    it('leaves /api alone: an unknown API route is still the JSON 404', async () => {
      const res = await t.http().get('/api/app').expect(404);
      expect(res.body.code).toBeDefined();
      await t.http().get('/api/scheduled-reports').expect(401);
    });
  });

  describe('GET /api/holiday-calendars', () => {
    it('needs a token', () => t.http().get('/api/holiday-calendars').expect(401));

    it('lists countries and their states, each one a schedule accepts', async () => {
      const res = await t
        .http()
        .get('/api/holiday-calendars')
        .set('Authorization', `Bearer ${tokenFor(viewer)}`)
        .expect(200);
      const codes = (res.body as { code: string; name: string }[]).map((c) => c.code);
      expect(codes).toEqual(expect.arrayContaining(['US', 'US-CA', 'GB', 'DE-BY']));
      expect(res.body).toContainEqual({ code: 'US', name: 'United States of America' });
      for (const code of ['US-CA', codes[0], codes[codes.length - 1]]) {
        const config = {
          ...(scheduleBody().schedule_config as object),
          business_days_only: true,
          holiday_calendar: code,
        };
        await t
          .http()
          .post('/api/scheduled-reports/preview-schedule')
          .set('Authorization', `Bearer ${tokenFor(viewer)}`)
          .send({ schedule_config: config, count: 1 })
          .expect(200);
      }
    });
  });

  it('has a typed client generated from the current /docs-json (else: npm run console:client)', async () => {
    const doc = (await t.http().get('/docs-json').expect(200)).body;
    const fresh = await renderClientTypes(doc);
    const committed = readFileSync(CLIENT_TYPES_FILE, 'utf8');
    if (committed !== fresh) {
      // What the generator writes today, to compare or copy over.
      writeFileSync(join(tmpdir(), 'api-schema.d.ts'), fresh);
    }
    expect(committed).toBe(fresh);
  });
});
