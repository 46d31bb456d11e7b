import { DataSource } from 'typeorm';
import { newMember, newOrg, scheduleBody, TestMember } from 'test/factories';
import { clientFor } from 'test/utils/http-client';
import { createTestApp, TestApp } from 'test/utils/test-app';

/** A run written straight to the table: this is about what lists show, not about running. */
async function execution(
  db: DataSource,
  orgId: string,
  scheduleId: string,
  values: { status: string; createdAt: string; deliveries?: string[] },
): Promise<string> {
  const [row] = await db.query(
    `INSERT INTO report_executions (organization_id, scheduled_report_id, trigger, scheduled_for,
                                    status, completed_at, created_at)
     VALUES ($1, $2, 'schedule', $3, $4, CASE WHEN $4 IN ('completed', 'failed') THEN $3::timestamptz END, $3)
     RETURNING id`,
    [orgId, scheduleId, values.createdAt, values.status],
  );
  for (const [i, status] of (values.deliveries ?? []).entries()) {
    await db.query(
      `INSERT INTO report_deliveries (organization_id, report_execution_id, recipient_type,
                                      recipient_value, status)
       VALUES ($1, $2, 'email', $3, $4)`,
      [orgId, row.id, `r${i}@acme.example`, status],
    );
  }
  return row.id;
}

describe('last_execution: each schedule with its latest run, in one request', () => {
  let t: TestApp;
  let editor: TestMember;
  let outsider: TestMember;

  beforeAll(async () => {
    t = await createTestApp();
    editor = newMember((await newOrg(t.db)).id, { roles: ['editor'] });
    outsider = newMember((await newOrg(t.db)).id, { roles: ['editor'] });
  });
  afterAll(() => t.close());

  const create = async (member: TestMember, name: string) =>
    (await clientFor(t, member).post('/api/scheduled-reports', scheduleBody({ name })).expect(201))
      .body as { id: string; last_execution: unknown };

  it('is null before the first run, then the newest run with its failed deliveries counted', async () => {
    const never = await create(editor, 'Never ran');
    expect(never.last_execution).toBeNull();
    const ran = await create(editor, 'Ran twice');
    await execution(t.db, editor.orgId, ran.id, {
      status: 'failed',
      createdAt: '2026-11-01T09:00:00Z',
      deliveries: ['failed', 'failed', 'failed'],
    });
    const newest = await execution(t.db, editor.orgId, ran.id, {
      status: 'completed',
      createdAt: '2026-11-02T09:00:00Z',
      deliveries: ['sent', 'failed', 'bounced', 'skipped', 'pending'],
    });

    const as = clientFor(t, editor);
    const list = await as.get('/api/scheduled-reports?limit=100').expect(200);
    const byName = (name: string) =>
      list.body.data.find((s: { name: string }) => s.name === name).last_execution;
    expect(byName('Never ran')).toBeNull();
    expect(byName('Ran twice')).toEqual({
      id: newest,
      status: 'completed',
      trigger: 'schedule',
      scheduled_for: '2026-11-02T09:00:00.000Z',
      completed_at: '2026-11-02T09:00:00.000Z',
      failed_deliveries: 2,
    });
    const one = await as.get(`/api/scheduled-reports/${ran.id}`).expect(200);
    expect(one.body.last_execution).toEqual(byName('Ran twice'));
    const paused = await as.post(`/api/scheduled-reports/${ran.id}/pause`).expect(200);
    expect(paused.body.last_execution).toEqual(byName('Ran twice'));
  });

  it("shows only the organization's own runs", async () => {
    const theirs = await create(outsider, 'Theirs');
    const run = await execution(t.db, outsider.orgId, theirs.id, {
      status: 'running',
      createdAt: '2026-11-03T09:00:00Z',
    });
    const mine = await clientFor(t, editor).get('/api/scheduled-reports?limit=100').expect(200);
    expect(JSON.stringify(mine.body)).not.toContain(run);
    const list = await clientFor(t, outsider).get('/api/scheduled-reports').expect(200);
    expect(list.body.data).toHaveLength(1);
    expect(list.body.data[0].last_execution).toMatchObject({
      id: run,
      status: 'running',
      completed_at: null,
      failed_deliveries: 0,
    });
  });
});
