import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { join } from 'node:path';
import { Workbook } from 'exceljs';
import { RetentionService } from 'src/modules/scheduler/retention.service';
import { newMember, newOrg, scheduleBody, TestMember } from 'test/factories';
import { FakeClock } from 'test/utils/fake-clock';
import { clientFor, rawBody } from 'test/utils/http-client';
import { useManualTicks } from 'test/utils/manual-ticks';
import { seedOrgData } from 'test/utils/seed-org';
import { createTestApp, TestApp } from 'test/utils/test-app';
import { TEST_STORAGE_DIR } from 'test/utils/test-env';
import { runReportNow } from 'test/utils/run-report';
import { waitFor } from 'test/utils/wait-for';

jest.setTimeout(120_000);

describe('downloads: signed links, retention and limits', () => {
  const clock = new FakeClock(new Date());
  let t: TestApp;
  let orgId: string;
  let editor: TestMember;

  const as = (member: TestMember) => clientFor(t, member);

  beforeAll(async () => {
    t = await createTestApp({ role: 'all', clock });
    useManualTicks(t.app);
    orgId = (await newOrg(t.db)).id;
    editor = newMember(orgId, { roles: ['editor'] });
    await seedOrgData({ orgId, invoices: 1000, usageEvents: 100, customers: 20 });
  });
  afterAll(() => t.close());

  it('a signed link downloads the same bytes without a token, until it expires', async () => {
    clock.set(new Date());
    const execution = await runReportNow(t, editor);
    expect(execution.status).toBe('completed');
    const link = await as(editor)
      .post(`/api/report-executions/${execution.id}/download-link`)
      .expect(200);
    const expires = new Date(link.body.expires_at).getTime();
    expect(expires - Date.now()).toBeGreaterThan(71 * 3600_000);
    expect(expires - Date.now()).toBeLessThanOrEqual(72 * 3600_000 + 5000);
    const path = new URL(link.body.url).pathname;
    expect(path).toMatch(/^\/api\/files\/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);

    const viaLink = await t.http().get(path).buffer(true).parse(rawBody).expect(200);
    const viaApi = await as(editor)
      .get(`/api/report-executions/${execution.id}/download`)
      .buffer(true)
      .parse(rawBody)
      .expect(200);
    expect((viaLink.body as Buffer).equals(viaApi.body as Buffer)).toBe(true);
    expect(viaLink.headers['content-disposition']).toContain('attachment;');

    const audit = await t.db.query(
      `SELECT action, actor, details->>'via' AS via FROM audit_logs WHERE resource_id = $1 ORDER BY created_at`,
      [execution.id],
    );
    expect(audit).toEqual([
      { action: 'download_link.created', actor: editor.sub, via: null },
      { action: 'file.downloaded', actor: 'download-link', via: 'signed_link' },
      { action: 'file.downloaded', actor: editor.sub, via: 'api' },
    ]);

    const [payload, mac] = path.split('/').pop()!.split('.');
    await t
      .http()
      .get(`/api/files/${payload}.${mac.slice(0, -1)}${mac.endsWith('A') ? 'B' : 'A'}`)
      .expect(404);
    await t.http().get(`/api/files/${payload}`).expect(404);
    await t.http().get('/api/files/not-a-token').expect(404);

    clock.advance(73 * 3600_000);
    const expired = await t.http().get(path).expect(410);
    expect(expired.body).toMatchObject({ statusCode: 410, code: 'GONE' });
    clock.set(new Date());
  });

  it('compress stores and serves the file gzip-compressed, with the content hash of the CSV', async () => {
    const done = await runReportNow(t, editor, { delivery_options: { compress: true } });
    const run = { id: done.id as string };
    expect(done.file_key).toMatch(/\.csv\.gz$/);
    const res = await as(editor)
      .get(`/api/report-executions/${run.id}/download`)
      .buffer(true)
      .parse(rawBody)
      .expect(200);
    expect(res.headers['content-type']).toBe('application/gzip');
    expect(res.headers['content-disposition']).toMatch(/\.csv\.gz"/);
    const csv = gunzipSync(res.body as Buffer);
    expect(csv.toString('utf8')).toMatch(/^Invoice,Issued,/);
    expect(done.metadata.content_sha256).toBe(createHash('sha256').update(csv).digest('hex'));
    expect(done.metadata.content_type).toBe('application/gzip');
  });

  it('writes XLSX with typed cells, a frozen bold header and a summary sheet', async () => {
    const done = await runReportNow(t, editor, {
      output_format: 'xlsx',
      report_parameters: { date_range: { preset: 'year_to_date' } },
    });
    const run = { id: done.id as string };
    expect(done).toMatchObject({ status: 'completed' });
    const res = await as(editor)
      .get(`/api/report-executions/${run.id}/download`)
      .buffer(true)
      .parse(rawBody)
      .expect(200);
    expect(res.headers['content-type']).toBe(
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    );
    const workbook = new Workbook();
    await workbook.xlsx.load(res.body as Buffer);
    const data = workbook.getWorksheet('Data')!;
    expect(data.getRow(1).getCell(1).value).toBe('Invoice');
    expect(data.getRow(1).font?.bold ?? data.getRow(1).getCell(1).font?.bold).toBe(true);
    expect(data.rowCount - 1).toBe(done.metadata.rows_generated);
    expect(typeof data.getRow(2).getCell(10).value).toBe('number'); // Total
    expect(workbook.getWorksheet('Summary')).toBeDefined();
  });

  it('writes PDF through Chromium: title, period, page numbers, hostile names as text', async () => {
    const done = await runReportNow(
      t,
      editor,
      {
        name: 'PDF invoices',
        output_format: 'pdf',
        report_parameters: { date_range: { preset: 'year_to_date' } },
      },
      90_000,
    );
    const run = { id: done.id as string };
    expect(done).toMatchObject({ status: 'completed', error_message: null });
    const res = await as(editor)
      .get(`/api/report-executions/${run.id}/download`)
      .buffer(true)
      .parse(rawBody)
      .expect(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    const text = execFileSync('pdftotext', ['-layout', '-', '-'], {
      input: res.body as Buffer,
    }).toString('utf8');
    expect(text).toContain('PDF invoices');
    expect(text).toMatch(/Page 1 of \d+/);
    expect(text).toContain('Period');
  });

  it('links follow the download rules: the report permission, and 404 across organizations', async () => {
    const execution = await runReportNow(t, editor);
    const viewer = newMember(orgId, { roles: ['viewer'], permissions: [] });
    await as(viewer).post(`/api/report-executions/${execution.id}/download-link`).expect(403);
    const outsider = newMember((await newOrg(t.db)).id, { roles: ['admin'] });
    await as(outsider).post(`/api/report-executions/${execution.id}/download-link`).expect(404);
  });

  it('retention deletes files past the organization’s retention_days; history stays, downloads answer 410', async () => {
    const execution = await runReportNow(t, editor);
    const link = (
      await as(editor).post(`/api/report-executions/${execution.id}/download-link`).expect(200)
    ).body;
    const file = join(TEST_STORAGE_DIR, ...execution.file_key.split('/'));
    expect(existsSync(file)).toBe(true);
    const fresh = await runReportNow(t, editor);
    await t.db.query(`UPDATE organizations SET retention_days = 1 WHERE id = $1`, [orgId]);
    await t.db.query(
      `UPDATE report_executions SET completed_at = now() - interval '2 days' WHERE id = $1`,
      [execution.id],
    );

    await t.app.get(RetentionService).run();

    expect(existsSync(file)).toBe(false);
    const detail = await as(editor).get(`/api/report-executions/${execution.id}`).expect(200);
    expect(detail.body.file_expired_at).not.toBeNull();
    expect(detail.body.status).toBe('completed');
    await as(editor).get(`/api/report-executions/${execution.id}/download`).expect(410);
    await t.http().get(new URL(link.url).pathname).expect(410);
    // The recent file is kept.
    await as(editor).get(`/api/report-executions/${fresh.id}/download`).expect(200);
    await t.db.query(`UPDATE organizations SET retention_days = 90 WHERE id = $1`, [orgId]);
  });
});

describe('generation limits', () => {
  let t: TestApp;
  let editor: TestMember;

  beforeAll(async () => {
    t = await createTestApp({ role: 'all', env: { REPORT_MAX_ROWS: '5' } });
    useManualTicks(t.app);
    const orgId = (await newOrg(t.db)).id;
    editor = newMember(orgId, { roles: ['editor'] });
    await seedOrgData({ orgId, invoices: 500, usageEvents: 10, customers: 10 });
  });
  afterAll(() => t.close());

  it('a report over REPORT_MAX_ROWS fails at once with a clear message, no retry and no file', async () => {
    const schedule = (
      await clientFor(t, editor)
        .post(
          '/api/scheduled-reports',
          scheduleBody({ report_parameters: { date_range: { preset: 'year_to_date' } } }),
        )
        .expect(201)
    ).body;
    const run = (
      await clientFor(t, editor).post(`/api/scheduled-reports/${schedule.id}/run`).expect(202)
    ).body;
    const done = await waitFor('the run to fail', async () => {
      const [row] = await t.db.query('SELECT * FROM report_executions WHERE id = $1', [run.id]);
      return ['completed', 'failed'].includes(row.status) && row;
    });
    expect(done).toMatchObject({ status: 'failed', retry_count: 0, file_key: null });
    expect(done.error_message).toMatch(/more than 5 rows/);
  });
});
