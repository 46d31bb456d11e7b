import { createTestApp, TestApp } from 'test/utils/test-app';
import { newMember, newOrg, tokenFor } from 'test/factories';

describe('health, errors and the OpenAPI document', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('GET /health reports database and redis, without auth', async () => {
    const res = await t.http().get('/health').expect(200);
    expect(res.body).toMatchObject({
      status: 'ok',
      checks: { database: { status: 'up' }, redis: { status: 'up' } },
    });
  });

  it('GET /metrics is Prometheus text, without auth', async () => {
    const res = await t.http().get('/metrics').expect(200);
    expect(res.headers['content-type']).toContain('text/plain');
    expect(res.text).toContain('scheduled_reports_executions{status="pending"}');
    expect(res.text).toContain(
      'scheduled_reports_deliveries{recipient_type="webhook",status="bounced"}',
    );
    expect(res.text).toContain('scheduled_reports_process_cpu_seconds_total');
  });

  it('unknown routes answer the standard error body', async () => {
    const org = await newOrg(t.db);
    const res = await t
      .http()
      .get('/api/nothing-here')
      .set('Authorization', `Bearer ${tokenFor(newMember(org.id))}`)
      .expect(404);
    expect(res.body).toMatchObject({ statusCode: 404, error: 'Not Found', code: 'NOT_FOUND' });
  });

  it('malformed JSON is a 400 with the standard body', async () => {
    const org = await newOrg(t.db);
    const res = await t
      .http()
      .post('/api/scheduled-reports')
      .set('Authorization', `Bearer ${tokenFor(newMember(org.id))}`)
      .set('Content-Type', 'application/json')
      .send('{"name": ')
      .expect(400);
    expect(res.body).toMatchObject({ statusCode: 400, code: 'VALIDATION_FAILED' });
  });

  it('answers its own request id, whatever the client sends, and uses it in error bodies', async () => {
    const res = await t
      .http()
      .get('/api/scheduled-reports')
      .set('X-Request-Id', 'req-12345678')
      .expect(401);
    // A client's id could collide with or impersonate another request in logs and the audit.
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.body.request_id).toBe(res.headers['x-request-id']);
  });

  describe('/docs-json', () => {
    let doc: {
      openapi: string;
      paths: Record<
        string,
        Record<string, { security?: unknown[]; responses: Record<string, unknown> }>
      >;
      components: {
        securitySchemes: Record<string, unknown>;
        schemas: Record<string, { properties?: Record<string, { example?: unknown }> }>;
      };
    };

    beforeAll(async () => {
      doc = (await t.http().get('/docs-json').expect(200)).body;
    });

    it('is an OpenAPI 3 document with bearer auth', () => {
      expect(doc.openapi).toMatch(/^3\./);
      expect(doc.components.securitySchemes.bearer).toMatchObject({
        type: 'http',
        scheme: 'bearer',
      });
    });

    it('lists every route', () => {
      const routes = Object.entries(doc.paths).flatMap(([path, ops]) =>
        Object.keys(ops).map((method) => `${method.toUpperCase()} ${path}`),
      );
      expect(routes.sort()).toEqual(
        [
          'GET /health',
          'GET /metrics',
          'POST /api/scheduled-reports/{id}/run',
          'GET /api/scheduled-reports/{id}/executions',
          'GET /api/report-executions/{id}',
          'GET /api/report-executions/{id}/download',
          'POST /api/report-executions/{id}/download-link',
          'GET /api/files/{token}',
          'GET /api/holiday-calendars',
          'GET /api/report-executions/{id}/events',
          'GET /api/report-types',
          'GET /api/members',
          'GET /api/admin/settings',
          'PUT /api/admin/settings',
          'GET /api/admin/audit-logs',
          'POST /api/scheduled-reports',
          'GET /api/scheduled-reports',
          'GET /api/scheduled-reports/events',
          'POST /api/scheduled-reports/preview-schedule',
          'GET /api/scheduled-reports/{id}',
          'PUT /api/scheduled-reports/{id}',
          'PATCH /api/scheduled-reports/{id}',
          'DELETE /api/scheduled-reports/{id}',
          'POST /api/scheduled-reports/{id}/pause',
          'POST /api/scheduled-reports/{id}/resume',
          'GET /api/scheduled-reports/{id}/next-runs',
          'POST /api/report-executions/{id}/deliveries/{delivery_id}/retry',
          'POST /api/report-executions/{id}/resend-failed',
          'GET /api/unsubscribe/{token}',
          'POST /api/unsubscribe/{token}',
          'POST /api/report-executions/{id}/revoke-links',
          'DELETE /api/admin/members/{id}',
          'GET /api/admin/members/{id}/data',
          'GET /api/admin/integrations/slack',
          'PUT /api/admin/integrations/slack',
          'DELETE /api/admin/integrations/slack',
          'POST /api/admin/webhook-secret',
        ].sort(),
      );
    });

    it('secures every /api route and documents its errors', () => {
      for (const [path, ops] of Object.entries(doc.paths)) {
        const isPublicLink = /^\/api\/(files|unsubscribe)\//.test(path);
        if (!path.startsWith('/api/') || isPublicLink) continue;
        for (const [method, op] of Object.entries(ops)) {
          expect({ route: `${method} ${path}`, security: op.security }).toEqual({
            route: `${method} ${path}`,
            security: [{ bearer: [] }],
          });
          expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(['401', '403']));
        }
      }
    });

    it('gives every DTO property an example', () => {
      const missing: string[] = [];
      for (const [name, schema] of Object.entries(doc.components.schemas)) {
        for (const [prop, def] of Object.entries(schema.properties ?? {})) {
          const d = def as {
            example?: unknown;
            $ref?: string;
            allOf?: unknown;
            items?: { $ref?: string };
          };
          if (d.example === undefined && !d.$ref && !d.allOf && !d.items?.$ref)
            missing.push(`${name}.${prop}`);
        }
      }
      expect(missing).toEqual([]);
    });
  });
});
