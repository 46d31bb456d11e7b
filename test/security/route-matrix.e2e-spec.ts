import { randomUUID } from 'node:crypto';
import type { Role } from 'src/domain/vocabulary';
import {
  completedExecution,
  failedEmailDelivery,
  newMember,
  newOrg,
  scheduleBody,
  TestMember,
  tokenFor,
} from 'test/factories';
import { clientFor } from 'test/utils/http-client';
import { createTestApp, TestApp } from 'test/utils/test-app';

type Operation = {
  security?: unknown[];
  requestBody?: unknown;
  'x-required-role'?: Role;
};

interface Route {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** As the OpenAPI document spells it: /api/scheduled-reports/{id}. */
  path: string;
  operation: Operation;
}

const WEAKER: Record<Role, string[]> = { viewer: [], editor: ['viewer'], admin: ['editor'] };

/**
 * Every route of the OpenAPI document, tried as an attacker would: without a token, from another
 * organization, with a weaker role, and with fields the API does not take. The document is the
 * list, so a route added tomorrow is covered without editing this file.
 */
describe('every API route, as an attacker tries it', () => {
  let t: TestApp;
  let routes: Route[];
  /** The victim organization's members and one resource of each kind. */
  let victim: {
    members: Record<Role | 'none', TestMember>;
    ids: { schedule: string; execution: string; delivery: string; member: string };
  };
  let attacker: TestMember;

  beforeAll(async () => {
    t = await createTestApp({ role: 'api' });
    const doc = (await t.http().get('/docs-json').expect(200)).body as {
      paths: Record<string, Record<string, Operation>>;
    };
    routes = Object.entries(doc.paths).flatMap(([path, operations]) =>
      Object.entries(operations).map(([method, operation]) => ({
        method: method as Route['method'],
        path,
        operation,
      })),
    );
    victim = await victimOrg();
    const attackerOrg = (await newOrg(t.db)).id;
    attacker = newMember(attackerOrg, { roles: ['admin'] });
  });
  afterAll(() => t.close());

  async function victimOrg() {
    const orgId = (await newOrg(t.db)).id;
    const members = {
      admin: newMember(orgId, { roles: ['admin'] }),
      editor: newMember(orgId, { roles: ['editor'] }),
      viewer: newMember(orgId, { roles: ['viewer'] }),
      none: newMember(orgId, { roles: [] }),
    };
    for (const member of Object.values(members)) await clientFor(t, member).get('/api/members');
    const schedule = (
      await clientFor(t, members.editor).post('/api/scheduled-reports', scheduleBody()).expect(201)
    ).body;
    const execution = await completedExecution(t.db, orgId, schedule.id);
    const delivery = await failedEmailDelivery(t.db, orgId, execution.id);
    const [member] = await t.db.query(
      `SELECT id FROM members WHERE organization_id = $1 AND user_id = $2`,
      [orgId, members.viewer.sub],
    );
    return {
      members,
      ids: {
        schedule: schedule.id as string,
        execution: execution.id as string,
        delivery: delivery.id as string,
        member: member.id as string,
      },
    };
  }

  const protectedRoutes = () => routes.filter((r) => r.operation.security?.length);

  /** The path with the victim's ids in it (the resource named by the segment before `{id}`). */
  function victimUrl(path: string): string {
    const { ids } = victim;
    return path
      .replace(/scheduled-reports\/\{id\}/, `scheduled-reports/${ids.schedule}`)
      .replace(/report-executions\/\{id\}/, `report-executions/${ids.execution}`)
      .replace(/members\/\{id\}/, `members/${ids.member}`)
      .replace('{delivery_id}', ids.delivery);
  }

  /** A body each route accepts, so validation passes and the route's own checks answer. */
  const validBody = (route: Route): object =>
    route.method === 'put' && route.path.endsWith('/scheduled-reports/{id}') ? scheduleBody() : {};

  function send(route: Route, url: string, token: string | null, body?: object) {
    const request = t.http()[route.method](url);
    if (token) request.set('Authorization', `Bearer ${token}`);
    return route.operation.requestBody || body ? request.send(body ?? validBody(route)) : request;
  }

  /** Runs `check` on every route it applies to; lists every route that answered otherwise. */
  async function everyRoute(
    applies: (route: Route) => boolean,
    check: (route: Route) => Promise<{ status: number; expected: number[] }>,
  ): Promise<void> {
    const chosen = routes.filter(applies);
    expect(chosen.length).toBeGreaterThan(0);
    const wrong: string[] = [];
    for (const route of chosen) {
      const { status, expected } = await check(route);
      if (!expected.includes(status)) {
        wrong.push(
          `${route.method.toUpperCase()} ${route.path} answered ${status}, not ${expected}`,
        );
      }
    }
    expect(wrong).toEqual([]);
  }

  it('covers every protected route of the document', () => {
    // A protected route without a required role could slip through the role check below.
    const unroled = protectedRoutes().filter((r) => !r.operation['x-required-role']);
    expect(unroled.map((r) => `${r.method} ${r.path}`)).toEqual([]);
    expect(protectedRoutes().length).toBeGreaterThan(20);
  });

  it('answers 401 to every protected route without a token, or with a forged one', async () => {
    const forged = tokenFor(victim.members.admin, { secret: 'not-the-secret-but-long-enough' });
    await everyRoute(
      (r) => Boolean(r.operation.security?.length),
      async (route) => ({
        status: Math.max(
          (await send(route, victimUrl(route.path), null)).status,
          (await send(route, victimUrl(route.path), forged)).status,
        ),
        expected: [401],
      }),
    );
  });

  it("answers 404 to another organization's admin on every route naming a resource", async () => {
    await everyRoute(
      (r) => Boolean(r.operation.security?.length) && r.path.includes('{'),
      async (route) => ({
        status: (await send(route, victimUrl(route.path), tokenFor(attacker))).status,
        expected: [404],
      }),
    );
  });

  it('answers 403 to every weaker role on every protected route', async () => {
    await everyRoute(
      (r) => Boolean(r.operation.security?.length),
      async (route) => {
        const required = route.operation['x-required-role'] as Role;
        const weaker = WEAKER[required].length > 0 ? WEAKER[required] : ['none'];
        let worst = 403;
        for (const role of weaker) {
          const member = victim.members[role as Role | 'none'];
          const { status } = await send(route, victimUrl(route.path), tokenFor(member));
          if (status !== 403) worst = status;
        }
        return { status: worst, expected: [403] };
      },
    );
  });

  it('refuses fields a body does not take (mass assignment), on every route with a body', async () => {
    const smuggled = {
      organization_id: randomUUID(),
      created_by: 'someone-else',
      is_admin: true,
    };
    await everyRoute(
      (r) => Boolean(r.operation.requestBody),
      async (route) => {
        const body = { ...validBody(route), ...smuggled };
        const res = await send(route, victimUrl(route.path), tokenFor(victim.members.admin), body);
        const named = JSON.stringify(res.body).includes('organization_id should not exist');
        return { status: named ? res.status : -res.status, expected: [400] };
      },
    );
  });
});
