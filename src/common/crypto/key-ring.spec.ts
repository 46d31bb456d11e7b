import { hkdfSync } from 'node:crypto';
import { KeyRing } from './key-ring';

const A = { id: 'a', secret: 'key-a-secret-0123456789' };
const B = { id: 'b', secret: 'key-b-secret-0123456789' };

describe('KeyRing', () => {
  it('makes the first key current and knows every key', () => {
    const ring = new KeyRing([B, A]);
    expect(ring.currentId).toBe('b');
    expect(ring.has('a')).toBe(true);
    expect(ring.has('c')).toBe(false);
  });

  it('derives one subkey per key, use and purpose, none equal to a key itself', () => {
    const ring = new KeyRing([A, B]);
    const keys = [
      ring.subkey('a', 'signed-token', 'download-link:v1'),
      ring.subkey('a', 'signed-token', 'unsubscribe:v1'),
      ring.subkey('a', 'secret-box', 'download-link:v1'),
      ring.subkey('b', 'signed-token', 'download-link:v1'),
    ].map((k) => k!.toString('hex'));
    expect(new Set(keys).size).toBe(4);
    for (const k of keys) expect(k).toHaveLength(64);
    expect(keys).not.toContain(Buffer.from(A.secret).toString('hex'));
    // Stable: the same inputs give the same subkey (values sealed yesterday still open).
    expect(ring.subkey('a', 'signed-token', 'download-link:v1')!.toString('hex')).toBe(keys[0]);
    expect(new KeyRing([A]).subkey('a', 'signed-token', 'download-link:v1')!.toString('hex')).toBe(
      keys[0],
    );
  });

  it('keeps the secret-box derivation that sealed values used before the ring', () => {
    const before = Buffer.from(
      hkdfSync('sha256', A.secret, 'scheduled-reports/secret-box', 'secret-box:p', 32),
    );
    expect(new KeyRing([A]).subkey('a', 'secret-box', 'p')).toEqual(before);
  });

  it('has no subkey for a key it does not hold', () => {
    expect(new KeyRing([A]).subkey('b', 'signed-token', 'unsubscribe:v1')).toBeNull();
  });

  it('gives the legacy secret of k0 only', () => {
    expect(new KeyRing([A, { id: 'k0', secret: 'old-app-secret-0123456' }]).legacySecret()).toBe(
      'old-app-secret-0123456',
    );
    expect(new KeyRing([A, B]).legacySecret()).toBeNull();
  });

  it('refuses an empty ring and repeated ids', () => {
    expect(() => new KeyRing([])).toThrow(/at least one key/);
    expect(() => new KeyRing([A, { ...B, id: 'a' }])).toThrow(/appears twice/);
  });
});
