import { generateKeyPairSync } from 'node:crypto';
import { sign } from 'jsonwebtoken';
import { ALL_PERMISSIONS, newMember, newOrg, tokenFor } from 'test/factories';
import { createTestApp, TestApp } from 'test/utils/test-app';

describe('authentication (JWT)', () => {
  let t: TestApp;
  let orgId: string;

  beforeAll(async () => {
    t = await createTestApp();
    orgId = (await newOrg(t.db)).id;
  });
  afterAll(() => t.close());

  const get = (token?: string) => {
    const req = t.http().get('/api/scheduled-reports');
    return token === undefined ? req : req.set('Authorization', `Bearer ${token}`);
  };

  it('accepts a valid HS256 token and provisions the member just in time', async () => {
    const member = newMember(orgId, { roles: ['viewer'], email: 'Jit@Members.example' });
    await get(tokenFor(member)).expect(200);
    const rows = await t.db.query(
      'SELECT email, roles, permissions FROM members WHERE organization_id = $1 AND user_id = $2',
      [orgId, member.sub],
    );
    expect(rows).toEqual([
      { email: 'jit@members.example', roles: ['viewer'], permissions: ALL_PERMISSIONS },
    ]);
  });

  it('updates the member when the claims change (roles come from the IdP)', async () => {
    const member = newMember(orgId, { roles: ['viewer'] });
    await get(tokenFor(member)).expect(200);
    await get(tokenFor({ ...member, roles: ['admin'] })).expect(200);
    const [row] = await t.db.query(
      'SELECT roles FROM members WHERE organization_id = $1 AND user_id = $2',
      [orgId, member.sub],
    );
    expect(row.roles).toEqual(['admin']);
  });

  it('creates the organization on first sight', async () => {
    const freshOrg = '0c9a8b7d-6e5f-4a3b-9c2d-1e0f9a8b7c6d';
    await get(tokenFor(newMember(freshOrg, { roles: ['viewer'] }))).expect(200);
    const rows = await t.db.query('SELECT id FROM organizations WHERE id = $1', [freshOrg]);
    expect(rows).toHaveLength(1);
  });

  it.each([
    ['no Authorization header', undefined],
    ['a malformed token', 'not-a-jwt'],
    ['an empty bearer', ''],
  ])('answers 401 for %s', async (_label, token) => {
    const res = await get(token).expect(401);
    expect(res.body).toMatchObject({
      statusCode: 401,
      error: 'Unauthorized',
      code: 'UNAUTHENTICATED',
    });
    expect(typeof res.body.request_id).toBe('string');
  });

  it("answers 401 for an expired token, without the verifier's words", async () => {
    const res = await get(tokenFor(newMember(orgId), { expiresIn: -10 })).expect(401);
    expect(res.body.message).toBe('Missing, invalid or expired bearer token');
  });

  it('answers 401 for a token signed with another secret', async () => {
    await get(tokenFor(newMember(orgId), { secret: 'some-other-secret-of-16+chars' })).expect(401);
  });

  it('answers 401 for alg none', async () => {
    const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
    const payload = Buffer.from(
      JSON.stringify({
        sub: 'x',
        org_id: orgId,
        roles: ['admin'],
        exp: Math.floor(Date.now() / 1000) + 60,
      }),
    ).toString('base64url');
    await get(`${header}.${payload}.`).expect(401);
  });

  it.each([
    ['org_id that is not a uuid', { org_id: 'acme' }],
    ['a missing sub', { sub: undefined }],
    ['roles that are not an array', { roles: 'admin' }],
  ])('answers 401 for %s', async (_label, claims) => {
    const member = newMember(orgId);
    const token = sign(
      { sub: member.sub, org_id: orgId, roles: ['admin'], permissions: [], ...claims },
      'test-jwt-secret-at-least-16-chars',
      { algorithm: 'HS256', expiresIn: 60 },
    );
    await get(token).expect(401);
  });

  it('ignores unknown roles: a token with none of ours gets 403', async () => {
    const member = newMember(orgId, { roles: ['superuser' as never] });
    await get(tokenFor(member)).expect(403);
  });
});

describe('authentication with an IdP public key (RS256/ES256), issuer and audience', () => {
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  let t: TestApp;
  let orgId: string;

  beforeAll(async () => {
    t = await createTestApp({
      env: {
        // HS256 next to a public key is refused unless JWT_ALLOW_HS256 (identity.e2e-spec.ts).
        JWT_SECRET: '',
        JWT_PUBLIC_KEY: rsa.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
        JWT_ISSUER: 'https://idp.example/',
        JWT_AUDIENCE: 'scheduled-reports',
      },
    });
    orgId = (await newOrg(t.db)).id;
  });
  afterAll(() => t.close());

  const claims = () => ({ sub: 'idp-user', org_id: orgId, roles: ['viewer'], permissions: [] });
  const good = { issuer: 'https://idp.example/', audience: 'scheduled-reports', expiresIn: 60 };
  const call = (token: string) =>
    t.http().get('/api/scheduled-reports').set('Authorization', `Bearer ${token}`);

  it('accepts RS256 signed by the IdP key with the right issuer and audience', async () => {
    await call(sign(claims(), rsa.privateKey, { ...good, algorithm: 'RS256' })).expect(200);
  });

  it('refuses a wrong issuer or audience', async () => {
    await call(
      sign(claims(), rsa.privateKey, { ...good, issuer: 'https://evil/', algorithm: 'RS256' }),
    ).expect(401);
    await call(
      sign(claims(), rsa.privateKey, { ...good, audience: 'other', algorithm: 'RS256' }),
    ).expect(401);
  });

  it('refuses ES256 from a key that is not configured', async () => {
    await call(sign(claims(), ec.privateKey, { ...good, algorithm: 'ES256' })).expect(401);
  });

  it('refuses HS256 signed with the public key as secret (algorithm confusion)', async () => {
    const pem = rsa.publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const header = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');
    const body = Buffer.from(
      JSON.stringify({
        ...claims(),
        iss: good.issuer,
        aud: good.audience,
        exp: Math.floor(Date.now() / 1000) + 60,
      }),
    ).toString('base64url');
    const { createHmac } = await import('node:crypto');
    const sig = createHmac('sha256', pem).update(`${header}.${body}`).digest('base64url');
    await call(`${header}.${body}.${sig}`).expect(401);
  });
});
