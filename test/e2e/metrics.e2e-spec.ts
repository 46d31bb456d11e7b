import { readFileSync } from 'node:fs';
import path from 'node:path';
import { clientFor } from 'test/utils/http-client';
import { newMember, newOrg, scheduleBody } from 'test/factories';
import { PrivatePostgres } from 'test/utils/private-postgres';
import { createTestApp, TestApp } from 'test/utils/test-app';

jest.setTimeout(60_000);

type Samples = Map<string, number>;

/** `name{a="x",b="y"} 1.5` lines into a map keyed by the line's name and labels. */
function parseExposition(text: string): Samples {
  const samples: Samples = new Map();
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*(?:\{[^}]*\})?) (\S+)$/.exec(line);
    if (match) samples.set(match[1], Number(match[2]));
  }
  return samples;
}

// Its own database: the figures are global, so runs of other test files would blur them.
describe('metrics an operator runs on, computed from the ledger', () => {
  const pg = new PrivatePostgres();
  let t: TestApp;
  let orgId: string;
  let samples: Samples;
  let exposition: string;

  beforeAll(async () => {
    await pg.start();
    t = await createTestApp({ env: { DATABASE_URL: pg.url } });
    orgId = (await newOrg(t.db)).id;
    const editor = newMember(orgId, { roles: ['editor'] });
    const schedule = (
      await clientFor(t, editor).post('/api/scheduled-reports', scheduleBody()).expect(201)
    ).body;
    // Three scheduled runs that started 10, 20, 30 s after their slot, completed 40, 50, 60 s
    // after it, took 1, 2, 3 s and wrote 10, 20, 30 rows; one more still waiting for 2 minutes.
    const runs: { id: string }[] = await t.db.query(
      `INSERT INTO report_executions (organization_id, scheduled_report_id, trigger, scheduled_for,
                                      status, started_at, completed_at, execution_time_ms, metadata)
       SELECT $1, $2, 'schedule', slot, 'completed', slot + make_interval(secs => 10 * n),
              slot + make_interval(secs => 30 + 10 * n), 1000 * n,
              jsonb_build_object('rows_generated', 10 * n)
         FROM generate_series(1, 3) AS n,
              LATERAL (SELECT now() - interval '10 minutes' - make_interval(mins => n) AS slot) s
       RETURNING id`,
      [orgId, schedule.id],
    );
    await t.db.query(
      `INSERT INTO report_executions (organization_id, scheduled_report_id, trigger, scheduled_for,
                                      status, created_at)
       VALUES ($1, $2, 'schedule', now() - interval '2 minutes', 'pending', now() - interval '2 minutes')`,
      [orgId, schedule.id],
    );
    // A run-now generating: dispatched, so it holds one of the organization's slots.
    await t.db.query(
      `INSERT INTO report_executions (organization_id, scheduled_report_id, trigger, scheduled_for,
                                      status, started_at, dispatched_at)
       VALUES ($1, $2, 'manual', now(), 'running', now(), now())`,
      [orgId, schedule.id],
    );
    // Two emails accepted 5 and 15 s after their file was ready; one delivery waiting a minute.
    await t.db.query(
      `INSERT INTO report_deliveries (organization_id, report_execution_id, recipient_type,
                                      recipient_value, status, delivered_at, created_at)
       SELECT $1, e.id, 'email', 'a' || k || '@acme.example', 'sent',
              e.completed_at + make_interval(secs => 5 + 10 * (k - 1)), now()
         FROM report_executions e, generate_series(1, 2) AS k
        WHERE e.id = $2`,
      [orgId, runs[0].id],
    );
    await t.db.query(
      `INSERT INTO report_deliveries (organization_id, report_execution_id, recipient_type,
                                      recipient_value, status, created_at)
       VALUES ($1, $2, 'webhook', 'https://hooks.example/x', 'pending', now() - interval '1 minute')`,
      [orgId, runs[1].id],
    );
    await t.db.query(
      `INSERT INTO notices (organization_id, kind, subject_id, scheduled_report_id)
       VALUES ($1, 'schedule_paused', gen_random_uuid(), $2)`,
      [orgId, schedule.id],
    );
    exposition = (await t.http().get('/metrics').expect(200)).text;
    samples = parseExposition(exposition);
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    pg.destroy();
  });

  const value = (key: string) => {
    if (!samples.has(key)) throw new Error(`no sample ${key} in:\n${exposition}`);
    return samples.get(key) as number;
  };

  it('slot lag: slot → started and → completed, by quantile', () => {
    expect(value('scheduled_reports_slot_lag_seconds{stage="started",quantile="0.5"}')).toBeCloseTo(
      20,
      3,
    );
    expect(
      value('scheduled_reports_slot_lag_seconds{stage="started",quantile="0.99"}'),
    ).toBeCloseTo(29.8, 3);
    expect(
      value('scheduled_reports_slot_lag_seconds{stage="completed",quantile="0.5"}'),
    ).toBeCloseTo(50, 3);
  });

  it('generation time, rows and runs by report type and format', () => {
    const labels = 'report_type="invoice_summary",output_format="csv"';
    expect(value(`scheduled_reports_generation_seconds{${labels},quantile="0.5"}`)).toBeCloseTo(
      2,
      3,
    );
    expect(value(`scheduled_reports_generated_rows_last_hour{${labels}}`)).toBe(60);
    expect(value(`scheduled_reports_generations_last_hour{${labels}}`)).toBe(3);
  });

  it('delivery lag by channel, and the age of the oldest waiting work per queue', () => {
    expect(
      value('scheduled_reports_delivery_lag_seconds{channel="email",quantile="0.5"}'),
    ).toBeCloseTo(10, 3);
    const generation = value(
      'scheduled_reports_oldest_pending_seconds{queue="generation",priority="scheduled"}',
    );
    expect(generation).toBeGreaterThanOrEqual(120);
    expect(generation).toBeLessThan(180);
    expect(
      value('scheduled_reports_oldest_pending_seconds{queue="generation",priority="manual"}'),
    ).toBe(0);
    const delivery = value(
      'scheduled_reports_oldest_pending_seconds{queue="delivery",priority="normal"}',
    );
    expect(delivery).toBeGreaterThanOrEqual(60);
    expect(delivery).toBeLessThan(120);
  });

  it('per-org in flight, auto-pauses, and the queues as Redis holds them', () => {
    expect(value(`scheduled_reports_in_flight{organization_id="${orgId}"}`)).toBe(2);
    expect(value('scheduled_reports_auto_pauses_last_hour')).toBe(1);
    expect(value('scheduled_reports_queue_up{queue="generation"}')).toBe(1);
    expect(value('scheduled_reports_queue_up{queue="delivery"}')).toBe(1);
    expect(samples.has('scheduled_reports_queue_jobs{queue="generation",state="waiting"}')).toBe(
      true,
    );
  });

  it('fair share per org: generations holding a slot, and runs waiting for one', () => {
    expect(value(`scheduled_reports_generations_in_flight{organization_id="${orgId}"}`)).toBe(1);
    expect(value(`scheduled_reports_generations_waiting{organization_id="${orgId}"}`)).toBe(1);
  });

  it('counts dispatches by trigger, and declares the reconciler and lease-takeover counters', async () => {
    const editor = newMember(orgId, { roles: ['editor'] });
    const schedule = (
      await clientFor(t, editor).post('/api/scheduled-reports', scheduleBody()).expect(201)
    ).body;
    const key = 'scheduled_reports_generations_dispatched_total{trigger="manual"}';
    const before = samples.get(key) ?? 0;

    await clientFor(t, editor).post(`/api/scheduled-reports/${schedule.id}/run`).expect(202);

    const after = (await t.http().get('/metrics').expect(200)).text;
    expect(parseExposition(after).get(key)).toBe(before + 1);
    // Counted in the processes that reconcile and generate; declared in every one.
    expect(after).toContain('# TYPE scheduled_reports_reconciler_actions_total counter');
    expect(parseExposition(after).get('scheduled_reports_lease_takeovers_total')).toBe(0);
  });

  it('every metric the alert rules and the dashboard use is served', () => {
    const ops = path.join(__dirname, '../../ops');
    const used = new Set(
      [
        readFileSync(path.join(ops, 'prometheus/alerts.yml'), 'utf8'),
        readFileSync(path.join(ops, 'grafana/scheduled-reports.json'), 'utf8'),
      ].flatMap((text) => text.match(/scheduled_reports_[a-z0-9_]+/g) ?? []),
    );
    // A counter with labels has no sample before its first event, but its type is declared.
    const declared = [...exposition.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1]);
    const served = new Set([
      ...[...samples.keys()].map((key) => key.replace(/\{.*$/, '')),
      ...declared,
    ]);
    expect([...used].filter((name) => !served.has(name))).toEqual([]);
  });
});
