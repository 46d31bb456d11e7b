import { ClaimsResult, parseClaims, TokenTimePolicy } from './parse-claims';

const NOW = 1_800_000_000;
const POLICY: TokenTimePolicy = { now: NOW, maxAgeSeconds: 24 * 3600, clockSkewSeconds: 60 };
const ORG = '0c9a8b7d-6e5f-4a3b-9c2d-1e0f9a8b7c6d';

function payload(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    sub: 'user-1',
    org_id: ORG,
    roles: ['editor'],
    permissions: ['billing:read'],
    email: 'ana@acme.example',
    name: 'Ana',
    iat: NOW - 10,
    exp: NOW + 600,
    ...overrides,
  };
}

function problemOf(result: ClaimsResult): string | null {
  return 'problem' in result ? result.problem : null;
}

describe('parseClaims', () => {
  it('names the member, with the time the token was issued', () => {
    const result = parseClaims(payload({ org_id: ORG.toUpperCase() }), POLICY);
    expect(result).toEqual({
      claims: {
        userId: 'user-1',
        orgId: ORG,
        email: 'ana@acme.example',
        name: 'Ana',
        roles: ['editor'],
        permissions: ['billing:read'],
        issuedAt: new Date((NOW - 10) * 1000),
      },
    });
  });

  it.each([
    ['no exp', { exp: undefined }, /exp is missing/],
    ['a string exp', { exp: String(NOW + 600) }, /exp is missing/],
    ['no iat', { iat: undefined }, /iat is missing/],
    ['a non-finite iat', { iat: Number.POSITIVE_INFINITY }, /iat is missing/],
    ['an expired token', { exp: NOW }, /expired/],
    ['iat more than the skew ahead', { iat: NOW + 61, exp: NOW + 600 }, /iat is in the future/],
    ['nbf more than the skew ahead', { nbf: NOW + 61 }, /not valid yet/],
    ['a string nbf', { nbf: 'soon' }, /nbf is not a number/],
    ['exp before iat', { iat: NOW + 30, exp: NOW + 20 }, /exp is not after iat/],
    [
      'a lifetime beyond the maximum',
      { iat: NOW - 10, exp: NOW - 10 + 24 * 3600 + 1 },
      /lives 86401 s, longer than JWT_MAX_AGE \(86400 s\)/,
    ],
  ])('refuses %s', (_label, overrides, problem) => {
    expect(problemOf(parseClaims(payload(overrides), POLICY))).toMatch(problem);
  });

  it('accepts iat and nbf within the clock skew, and a lifetime of exactly the maximum', () => {
    expect(problemOf(parseClaims(payload({ iat: NOW + 60, nbf: NOW + 60 }), POLICY))).toBeNull();
    expect(
      problemOf(parseClaims(payload({ iat: NOW - 100, exp: NOW - 100 + 24 * 3600 }), POLICY)),
    ).toBeNull();
  });

  it('honours a shorter maximum', () => {
    const ninetyMinutes = { ...POLICY, maxAgeSeconds: 90 * 60 };
    expect(problemOf(parseClaims(payload({ exp: NOW + 3600 }), ninetyMinutes))).toBeNull();
    expect(problemOf(parseClaims(payload({ exp: NOW + 2 * 3600 }), ninetyMinutes))).toMatch(
      /JWT_MAX_AGE/,
    );
  });

  it.each([
    'a@acme.example,attacker@evil.test',
    'a,attacker@evil.test',
    '"c@evil.test"@acme.example',
    '"c"@acme.example',
    'Ana <ana@acme.example>',
    'ana@acme.example\r\nBcc: x@evil.test',
    'victim%evil.test@acme.example',
    'ana@[127.0.0.1]',
    '',
    42,
  ])('refuses the email claim %j', (email) => {
    expect(problemOf(parseClaims(payload({ email }), POLICY))).toBe(
      'email is not one plain address',
    );
  });

  it.each([
    ['org_id that is not a uuid', { org_id: 'acme' }],
    ['a missing sub', { sub: undefined }],
    ['roles that are not a list', { roles: 'admin' }],
    ['a long name', { name: 'x'.repeat(201) }],
  ])('refuses %s', (_label, overrides) => {
    expect(problemOf(parseClaims(payload(overrides), POLICY))).not.toBeNull();
  });

  it('ignores unknown roles and malformed permissions', () => {
    const result = parseClaims(
      payload({ roles: ['root', 'viewer'], permissions: ['billing:read', 'everything'] }),
      POLICY,
    );
    expect(result).toMatchObject({ claims: { roles: ['viewer'], permissions: ['billing:read'] } });
  });
});
