import 'reflect-metadata';
import { performance } from 'node:perf_hooks';
import { DataSource } from 'typeorm';
import { Actor } from 'src/common/auth/actor';
import { dataSourceOptions } from 'src/database/data-source-options';
import { AuditFilter, AuditRepository } from 'src/modules/audit/audit.repository';
import { AuditPageQuery, AuditService } from 'src/modules/audit/audit.service';
import { AuditLog } from 'src/modules/audit/entities/audit-log.entity';
import { freshBenchDatabase } from './bench-db';

// npm run bench:audit — 1,000,000 audit rows (most in one organization), then the listing's
// filtered queries as GET /admin/audit-logs runs them: time and EXPLAIN (ANALYZE) plan.
const TOTAL = 1_000_000;
const BIG_ORG_SHARE = 0.8; // one large tenant; the rest spread over nine small ones
const ORGS = 10;
const ACTORS = 200;
const ACTIONS = [
  'schedule.created',
  'schedule.updated',
  'schedule.paused',
  'schedule.resumed',
  'schedule.deleted',
  'schedule.run_requested',
  'file.downloaded',
  'download_link.created',
  'member.provisioned',
  'member.roles_changed',
  'access.denied',
  'settings.updated',
];
const RESOURCES = 50_000;
const DAYS = 365;
const RUNS = 7;
const TARGET_MS = 100;

const orgId = (i: number) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
const BIG_ORG = orgId(0);

async function main(): Promise<void> {
  const url = await freshBenchDatabase('scheduled_reports_bench_audit');
  const db = await new DataSource(dataSourceOptions(url)).initialize();
  try {
    const seedSeconds = await seed(db);
    const [{ size }] = await db.query(
      `SELECT pg_size_pretty(pg_total_relation_size('audit_logs')) AS size`,
    );
    console.log(
      `audit_logs: ${TOTAL.toLocaleString()} rows (${Math.round(TOTAL * BIG_ORG_SHARE).toLocaleString()} in one organization) seeded in ${seedSeconds.toFixed(1)} s, ${size} with indexes`,
    );

    const { service, statements } = instrumentedService(db);
    const admin: Actor = { userId: 'bench', orgId: BIG_ORG, roles: ['admin'], permissions: [] };
    const week = { from: daysAgo(60), to: daysAgo(53) };

    // The headline: a filtered page, as a client following next_cursor asks for it.
    const cursor = await cursorAfterPages(service, admin, { action: 'schedule.updated' }, 5);
    const headline = await measure(
      service,
      statements,
      admin,
      { action: 'schedule.updated' },
      {
        cursor,
        limit: 50,
      },
    );
    console.log(
      `\nfiltered page (action = schedule.updated, 6th page via cursor, limit 50): median ${headline.medianMs.toFixed(2)} ms, max ${headline.maxMs.toFixed(2)} ms (target < ${TARGET_MS} ms)`,
    );
    console.log(await explain(db, headline.sql, headline.params));

    const cases: [string, AuditFilter, AuditPageQuery][] = [
      ['actor, first page (with the legacy total)', { actor: 'user-7' }, { limit: 50 }],
      ['actor + one week, first page (with total)', { actor: 'user-7', ...week }, { limit: 50 }],
      [
        'action + one week, first page (with total)',
        { action: 'file.downloaded', ...week },
        { limit: 50 },
      ],
      ['resource_id, first page (with total)', { resourceId: resourceId(4242) }, { limit: 50 }],
      ['no filter, first page (with total of the whole org)', {}, { limit: 50 }],
      [
        'no filter, page via cursor (no total)',
        {},
        { cursor: await cursorAfterPages(service, admin, {}, 20), limit: 50 },
      ],
      ['actor, page 20 by ?page= (offset, legacy)', { actor: 'user-7' }, { page: 20, limit: 50 }],
    ];
    console.log('\nother queries of the listing (median of', RUNS, 'runs, all statements):');
    for (const [what, filter, page] of cases) {
      const result = await measure(service, statements, admin, filter, page);
      console.log(
        `  ${what}: ${result.medianMs.toFixed(2)} ms (${result.rows} rows, ${result.statementCount} statement(s))`,
      );
    }
    const count = await measure(service, statements, admin, {}, { limit: 50 });
    const countSql = count.all.find((s) => s.sql.includes('count(*)'));
    if (countSql) {
      console.log('\nthe legacy total of the whole organization (only without a cursor):');
      console.log(await explain(db, countSql.sql, countSql.params));
    }
  } finally {
    await db.destroy();
  }
}

async function seed(db: DataSource): Promise<number> {
  const start = performance.now();
  await db.query(
    `INSERT INTO organizations (id, name)
     SELECT ('00000000-0000-4000-8000-' || lpad(i::text, 12, '0'))::uuid, 'bench ' || i
       FROM generate_series(0, $1 - 1) i`,
    [ORGS],
  );
  // One statement, set-based: row g's organization, actor, action, resource and time are
  // functions of g, spread the way a busy tenant's trail would be.
  await db.query(
    `INSERT INTO audit_logs (organization_id, actor, action, resource_type, resource_id, details,
                             request_id, created_at)
     SELECT ('00000000-0000-4000-8000-' || lpad(
               (CASE WHEN g % 100 < $2::float8 * 100 THEN 0 ELSE 1 + g % ($3 - 1) END)::text, 12, '0'))::uuid,
            'user-' || (hashint4(g) & 2147483647) % $4,
            ($5::text[])[1 + (hashint4(g + 1) & 2147483647) % array_length($5::text[], 1)],
            'scheduled_report',
            ('00000000-0000-4000-9000-' || lpad(((hashint4(g + 2) & 2147483647) % $6)::text, 12, '0'))::uuid,
            jsonb_build_object('name', 'Report ' || g % 1000, 'fields', jsonb_build_array('name')),
            gen_random_uuid()::text,
            now() - make_interval(secs => (g::float8 / $1) * $7 * 86400)
       FROM generate_series(1, $1) g`,
    [TOTAL, BIG_ORG_SHARE, ORGS, ACTORS, ACTIONS, RESOURCES, DAYS],
  );
  await db.query('VACUUM ANALYZE audit_logs');
  return (performance.now() - start) / 1000;
}

interface Statement {
  sql: string;
  params: unknown[];
}

/** The real service, with the statements its repository sends recorded for EXPLAIN. */
function instrumentedService(db: DataSource) {
  const logs = db.getRepository(AuditLog);
  const statements: Statement[] = [];
  const query = logs.query.bind(logs);
  logs.query = ((sql: string, params: unknown[] = []) => {
    statements.push({ sql, params });
    return query(sql, params);
  }) as typeof logs.query;
  return { service: new AuditService(new AuditRepository(logs)), statements };
}

async function cursorAfterPages(
  service: AuditService,
  actor: Actor,
  filter: AuditFilter,
  pages: number,
): Promise<string> {
  let cursor: string | undefined;
  for (let i = 0; i < pages; i += 1) {
    const page = await service.list(actor, filter, { cursor, limit: 50 });
    if (!page.next_cursor) throw new Error('the bench data ran out of pages');
    cursor = page.next_cursor;
  }
  return cursor as string;
}

async function measure(
  service: AuditService,
  statements: Statement[],
  actor: Actor,
  filter: AuditFilter,
  page: AuditPageQuery,
) {
  const times: number[] = [];
  let rows = 0;
  let all: Statement[] = [];
  for (let i = 0; i < RUNS; i += 1) {
    statements.length = 0;
    const start = performance.now();
    const result = await service.list(actor, filter, page);
    times.push(performance.now() - start);
    rows = result.data.length;
    all = [...statements];
  }
  times.sort((a, b) => a - b);
  const listing = all.find((s) => s.sql.includes('ORDER BY')) ?? all[0];
  return {
    medianMs: times[Math.floor(RUNS / 2)],
    maxMs: times[RUNS - 1],
    rows,
    statementCount: all.length,
    sql: listing.sql,
    params: listing.params,
    all,
  };
}

async function explain(db: DataSource, sql: string, params: unknown[]): Promise<string> {
  const plan: { 'QUERY PLAN': string }[] = await db.query(
    `EXPLAIN (ANALYZE, BUFFERS) ${sql}`,
    params,
  );
  return plan.map((line) => `  ${line['QUERY PLAN']}`).join('\n');
}

function daysAgo(days: number): Date {
  return new Date(Date.now() - days * 86_400_000);
}

function resourceId(i: number): string {
  return `00000000-0000-4000-9000-${String(i).padStart(12, '0')}`;
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
