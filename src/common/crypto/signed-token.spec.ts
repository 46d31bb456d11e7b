import { createHmac } from 'node:crypto';
import { TOKEN_PURPOSES } from 'src/domain/vocabulary';
import { KeyRing } from './key-ring';
import { signToken, verifyToken } from './signed-token';

const A = { id: 'a', secret: 'key-a-secret-0123456789' };
const B = { id: 'b', secret: 'key-b-secret-0123456789' };
const LEGACY_SECRET = 'the-old-app-secret-0123';
const LINK = TOKEN_PURPOSES.downloadLink;
const UNSUBSCRIBE = TOKEN_PURPOSES.unsubscribe;

/** A token as signed before the key ring: HMAC with APP_SECRET itself, no key id. */
function legacyToken(secret: string, purpose: string, payload: object): string {
  const encoded = Buffer.from(JSON.stringify(payload)).toString('base64url');
  const mac = createHmac('sha256', secret).update(`${purpose}.${encoded}`).digest('base64url');
  return `${encoded}.${mac}`;
}

function payloadOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString('utf8'));
}

describe('signed tokens', () => {
  it('carry the id of the key that signed them, the first of the ring', () => {
    const token = signToken(new KeyRing([B, A]), LINK, { e: 'x' });
    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(payloadOf(token)).toEqual({ k: 'b', e: 'x' });
    expect(verifyToken(new KeyRing([B, A]), LINK, token)).toEqual({ e: 'x' });
  });

  it('are MACed with the subkey of their purpose, never with the key itself', () => {
    const ring = new KeyRing([A]);
    const token = signToken(ring, LINK, { e: 'x' });
    const [encoded, mac] = token.split('.');
    const withSubkey = createHmac('sha256', ring.subkey('a', 'signed-token', LINK)!)
      .update(`${LINK}.${encoded}`)
      .digest('base64url');
    expect(mac).toBe(withSubkey);
    const withRawKey = createHmac('sha256', A.secret)
      .update(`${LINK}.${encoded}`)
      .digest('base64url');
    expect(mac).not.toBe(withRawKey);
    expect(verifyToken(ring, UNSUBSCRIBE, token)).toBeNull();
  });

  it('made with the old first key still verify after a new key is put first', () => {
    const before = signToken(new KeyRing([A]), UNSUBSCRIBE, { s: 'y' });
    const rotated = new KeyRing([B, A]);
    expect(verifyToken(rotated, UNSUBSCRIBE, before)).toEqual({ s: 'y' });
    expect(payloadOf(signToken(rotated, UNSUBSCRIBE, { s: 'y' })).k).toBe('b');
  });

  it('fail once their key left the ring, or when they name a key the ring never had', () => {
    const byA = signToken(new KeyRing([A]), LINK, { e: 'x' });
    expect(verifyToken(new KeyRing([B]), LINK, byA)).toBeNull();
    // Same secret under another id: the id is part of what was signed.
    expect(verifyToken(new KeyRing([{ ...A, id: 'c' }]), LINK, byA)).toBeNull();
  });

  it('fail when the key id was changed, or is not a string', () => {
    const ring = new KeyRing([A, B]);
    const [, mac] = signToken(ring, LINK, { e: 'x' }).split('.');
    for (const k of ['b', 7, null]) {
      const forged = Buffer.from(JSON.stringify({ k, e: 'x' })).toString('base64url');
      expect(verifyToken(ring, LINK, `${forged}.${mac}`)).toBeNull();
    }
  });

  it('made before the ring (no key id) verify with k0 only, as long as its secret is unchanged', () => {
    const old = legacyToken(LEGACY_SECRET, UNSUBSCRIBE, { o: 'org', s: 'y' });
    const k0 = { id: 'k0', secret: LEGACY_SECRET };
    expect(verifyToken(new KeyRing([k0]), UNSUBSCRIBE, old)).toEqual({ o: 'org', s: 'y' });
    expect(verifyToken(new KeyRing([B, k0]), UNSUBSCRIBE, old)).toEqual({ o: 'org', s: 'y' });
    expect(verifyToken(new KeyRing([{ id: 'k1', secret: LEGACY_SECRET }]), UNSUBSCRIBE, old)).toBe(
      null,
    );
    expect(
      verifyToken(new KeyRing([{ ...k0, secret: 'another-secret-01234567' }]), UNSUBSCRIBE, old),
    ).toBeNull();
    expect(verifyToken(new KeyRing([k0]), LINK, old)).toBeNull();
  });

  it('refuse malformed tokens', () => {
    const ring = new KeyRing([A]);
    const token = signToken(ring, LINK, { e: 'x' });
    const [encoded, mac] = token.split('.');
    const notObject = Buffer.from('[1]').toString('base64url');
    for (const bad of [
      '',
      'abc',
      'a.b.c',
      `${encoded}.`,
      `.${mac}`,
      `${token}.x`,
      `${notObject}.${mac}`,
    ])
      expect(verifyToken(ring, LINK, bad)).toBeNull();
  });

  it('reserve the key id field', () => {
    expect(() => signToken(new KeyRing([A]), LINK, { k: 'b' })).toThrow(/reserved/);
  });
});
