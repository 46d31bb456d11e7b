import { createHmac, generateKeyPairSync } from 'node:crypto';
import { sign } from 'jsonwebtoken';
import { newMember, newOrg, scheduleBody, tokenFor, type TestMember } from 'test/factories';
import { clientFor } from 'test/utils/http-client';
import { createTestApp, TestApp } from 'test/utils/test-app';
import { TEST_JWT_SECRET } from 'test/utils/test-env';

/** What every refused token is told, whatever the verifier found. */
const GENERIC_401 = 'Missing, invalid or expired bearer token';

const now = () => Math.floor(Date.now() / 1000);

function claimsOf(member: TestMember): Record<string, unknown> {
  return {
    sub: member.sub,
    org_id: member.orgId,
    roles: member.roles,
    permissions: member.permissions,
    email: member.email,
    name: member.name,
  };
}

const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** An HS256 token with exactly the claims given: jsonwebtoken would add or check iat and exp. */
function rawToken(claims: Record<string, unknown>): string {
  const unsigned = `${part({ alg: 'HS256', typ: 'JWT' })}.${part(claims)}`;
  const signature = createHmac('sha256', TEST_JWT_SECRET).update(unsigned).digest('base64url');
  return `${unsigned}.${signature}`;
}

function unsignedToken(claims: Record<string, unknown>): string {
  return `${part({ alg: 'none', typ: 'JWT' })}.${part(claims)}.`;
}

describe('identity: token times and lifetime', () => {
  let t: TestApp;
  let member: TestMember;

  beforeAll(async () => {
    t = await createTestApp();
    member = newMember((await newOrg(t.db)).id, { roles: ['viewer'] });
  });
  afterAll(() => t.close());

  const call = (token: string) =>
    t.http().get('/api/scheduled-reports').set('Authorization', `Bearer ${token}`);

  it('accepts a token with iat and exp within JWT_MAX_AGE (24 h by default)', async () => {
    await call(rawToken({ ...claimsOf(member), iat: now(), exp: now() + 24 * 3600 })).expect(200);
  });

  it.each([
    ['without exp', () => ({ iat: now() })],
    ['without iat', () => ({ exp: now() + 600 })],
    ['living longer than JWT_MAX_AGE', () => ({ iat: now(), exp: now() + 24 * 3600 + 60 })],
    ['issued in the future (beyond 60 s of skew)', () => ({ iat: now() + 300, exp: now() + 600 })],
    ['not valid yet (nbf)', () => ({ iat: now(), nbf: now() + 300, exp: now() + 600 })],
    ['with a string exp', () => ({ iat: now(), exp: String(now() + 600) })],
  ])('refuses a token %s', async (_label, times) => {
    const res = await call(rawToken({ ...claimsOf(member), ...times() })).expect(401);
    expect(res.body).toMatchObject({ code: 'UNAUTHENTICATED', message: GENERIC_401 });
  });

  it('tolerates an issuer clock a few seconds ahead', async () => {
    const ahead = now() + 30;
    await call(rawToken({ ...claimsOf(member), iat: ahead, nbf: ahead, exp: ahead + 600 })).expect(
      200,
    );
  });

  it('honours a shorter JWT_MAX_AGE', async () => {
    const short = await createTestApp({ env: { JWT_MAX_AGE: '90m' } });
    try {
      const get = (token: string) =>
        short.http().get('/api/scheduled-reports').set('Authorization', `Bearer ${token}`);
      await get(rawToken({ ...claimsOf(member), iat: now(), exp: now() + 3600 })).expect(200);
      await get(rawToken({ ...claimsOf(member), iat: now(), exp: now() + 2 * 3600 })).expect(401);
    } finally {
      await short.close();
    }
  });
});

describe('identity: 401 answers say nothing about the token', () => {
  let t: TestApp;
  let member: TestMember;

  beforeAll(async () => {
    t = await createTestApp();
    member = newMember((await newOrg(t.db)).id, { roles: ['viewer'] });
  });
  afterAll(() => t.close());

  it.each([
    ['a malformed token', () => 'not-a-jwt'],
    ['a bad signature', () => tokenFor(member, { secret: 'another-secret-of-16+chars' })],
    ['an expired token', () => tokenFor(member, { expiresIn: -10 })],
    ['alg none', () => unsignedToken({ ...claimsOf(member), iat: now(), exp: now() + 600 })],
    ['claims that name no member', () => tokenFor({ ...member, orgId: 'acme' })],
    ['no token at all', () => undefined],
  ])('%s gets the one generic message', async (_label, token) => {
    const req = t.http().get('/api/scheduled-reports');
    const value = token();
    const res = await (
      value === undefined ? req : req.set('Authorization', `Bearer ${value}`)
    ).expect(401);
    expect(res.body).toEqual({
      statusCode: 401,
      error: 'Unauthorized',
      message: GENERIC_401,
      code: 'UNAUTHENTICATED',
      request_id: res.headers['x-request-id'],
    });
    expect(JSON.stringify(res.body)).not.toMatch(/jwt|signature|malformed|algorithm|claim/i);
  });
});

describe('identity: the email claim is one plain address', () => {
  let t: TestApp;
  let orgId: string;

  beforeAll(async () => {
    t = await createTestApp();
    orgId = (await newOrg(t.db)).id;
  });
  afterAll(() => t.close());

  it.each([
    'a,attacker@evil.test',
    '"c@evil.test"@members.example',
    'victim%evil.test@members.example',
    'ana@[127.0.0.1]',
    'jösé@members.example',
  ])('refuses %j with a 401 and provisions nothing', async (email) => {
    const member = newMember(orgId, { roles: ['viewer'], email });
    await t
      .http()
      .get('/api/scheduled-reports')
      .set('Authorization', `Bearer ${tokenFor(member)}`)
      .expect(401);
    const rows = await t.db.query(
      'SELECT 1 FROM members WHERE organization_id = $1 AND user_id = $2',
      [orgId, member.sub],
    );
    expect(rows).toHaveLength(0);
  });
});

describe('identity: recipient addresses are checked on their real domain', () => {
  let t: TestApp;
  let editor: TestMember;

  beforeAll(async () => {
    t = await createTestApp();
    const org = await newOrg(t.db, { allowed_email_domains: ['acme.example'] });
    editor = newMember(org.id, { roles: ['editor'] });
  });
  afterAll(() => t.close());

  const create = (value: string) =>
    clientFor(t, editor).post(
      '/api/scheduled-reports',
      scheduleBody({ recipients: [{ type: 'email', value }] }),
    );

  it.each([
    '"c@evil.test"@acme.example',
    '"c"@acme.example',
    'victim%evil.test@acme.example',
    'evil.test!victim@acme.example',
    'jösé@acme.example',
    'a@acme.example,b@evil.test',
    'Finance <finance@acme.example>',
    'finance@acme.example (comment)',
  ])('refuses %j at save time', async (value) => {
    const res = await create(value).expect(400);
    expect(JSON.stringify(res.body.message)).toMatch(/not an email address/);
  });

  it('still accepts a plain address of an allowed domain, lower-cased', async () => {
    const res = await create('Finance.Team+weekly@ACME.example').expect(201);
    expect(res.body.recipients).toEqual([
      { type: 'email', value: 'finance.team+weekly@acme.example' },
    ]);
  });
});

describe('identity: an IdP public key', () => {
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pem = rsa.publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const idp = {
    JWT_PUBLIC_KEY: pem,
    JWT_ISSUER: 'https://idp.example/',
    JWT_AUDIENCE: 'scheduled-reports',
  };

  it('needs JWT_ISSUER and JWT_AUDIENCE, or the app does not boot', async () => {
    await expect(createTestApp({ env: { JWT_SECRET: '', JWT_PUBLIC_KEY: pem } })).rejects.toThrow(
      'Invalid configuration: JWT_ISSUER is required with JWT_PUBLIC_KEY',
    );
    await expect(
      createTestApp({
        env: { JWT_SECRET: '', JWT_PUBLIC_KEY: pem, JWT_ISSUER: 'https://idp.example/' },
      }),
    ).rejects.toThrow('Invalid configuration: JWT_AUDIENCE is required with JWT_PUBLIC_KEY');
  });

  it('refuses to boot with JWT_SECRET next to it unless JWT_ALLOW_HS256=true', async () => {
    await expect(createTestApp({ env: idp })).rejects.toThrow(
      /JWT_SECRET must not be set with JWT_PUBLIC_KEY/,
    );
  });

  describe('with JWT_ALLOW_HS256=true', () => {
    let t: TestApp;
    let member: TestMember;

    beforeAll(async () => {
      t = await createTestApp({ env: { ...idp, JWT_ALLOW_HS256: 'true' } });
      member = newMember((await newOrg(t.db)).id, { roles: ['viewer'] });
    });
    afterAll(() => t.close());

    const call = (token: string) =>
      t.http().get('/api/scheduled-reports').set('Authorization', `Bearer ${token}`);
    const good = { issuer: idp.JWT_ISSUER, audience: idp.JWT_AUDIENCE, expiresIn: 600 };

    it('accepts both, each with issuer and audience', async () => {
      await call(sign(claimsOf(member), rsa.privateKey, { ...good, algorithm: 'RS256' })).expect(
        200,
      );
      await call(sign(claimsOf(member), TEST_JWT_SECRET, { ...good, algorithm: 'HS256' })).expect(
        200,
      );
      await call(
        sign(claimsOf(member), TEST_JWT_SECRET, { expiresIn: 600, algorithm: 'HS256' }),
      ).expect(401);
    });
  });
});
