import { legacySeal } from 'test/utils/legacy-seal';
import { KeyRing } from './key-ring';
import { SecretBox, SecretBoxError } from './secret-box';

const A = { id: 'a', secret: 'unit-test-app-secret-0123456789' };
const B = { id: 'b', secret: 'unit-test-next-secret-012345678' };
const LEGACY_SECRET = 'the-old-app-secret-0123';
const PURPOSE = 'slack-bot-token';

describe('SecretBox', () => {
  const box = new SecretBox(new KeyRing([A]), PURPOSE);

  it('round-trips a secret in the versioned base64url format, naming its key', () => {
    const sealed = box.seal('xoxb-1234-5678-abcdef', 'org-1');
    expect(sealed).toMatch(/^v1\.a\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]+$/);
    expect(sealed).not.toContain('xoxb');
    expect(box.open(sealed, 'org-1')).toBe('xoxb-1234-5678-abcdef');
    expect(box.keyIdOf(sealed)).toBe('a');
  });

  it('uses a fresh IV each time', () => {
    expect(box.seal('same')).not.toBe(box.seal('same'));
  });

  it('round-trips unicode and the empty string', () => {
    expect(box.open(box.seal('ünïcødé ✓'))).toBe('ünïcødé ✓');
    expect(box.open(box.seal(''))).toBe('');
  });

  it.each([
    ['ciphertext', 4],
    ['tag', 3],
    ['iv', 2],
  ])('refuses a value whose %s was changed', (_name, index) => {
    const parts = box.seal('secret-value').split('.');
    const bytes = Buffer.from(parts[index], 'base64url');
    bytes[0] ^= 0x01;
    parts[index] = bytes.toString('base64url');
    expect(() => box.open(parts.join('.'))).toThrow(SecretBoxError);
    expect(() => box.open(parts.join('.'))).toThrow(/failed authentication|malformed/);
  });

  it('refuses a value bound to other associated data (another organization)', () => {
    const sealed = box.seal('secret-value', 'org-1');
    expect(() => box.open(sealed, 'org-2')).toThrow(/failed authentication/);
  });

  it('refuses a value sealed for another purpose or under another secret of the same id', () => {
    const sealed = box.seal('secret-value');
    expect(() => new SecretBox(new KeyRing([A]), 'webhook-secret').open(sealed)).toThrow(
      SecretBoxError,
    );
    const changed = new KeyRing([{ id: 'a', secret: 'another-app-secret-012345' }]);
    expect(() => new SecretBox(changed, PURPOSE).open(sealed)).toThrow(/failed authentication/);
  });

  it('refuses a value whose key id was switched to another key of the ring', () => {
    const both = new SecretBox(new KeyRing([A, B]), PURPOSE);
    const switched = both.seal('secret-value').replace(/^v1\.a\./, 'v1.b.');
    expect(() => both.open(switched)).toThrow(/failed authentication/);
  });

  describe('rotation', () => {
    const rotated = new SecretBox(new KeyRing([B, A]), PURPOSE);

    it('opens a value sealed with the old first key after a new key is put first', () => {
      const before = box.seal('xoxb-old', 'org-1');
      expect(rotated.open(before, 'org-1')).toBe('xoxb-old');
      expect(rotated.isCurrent(before)).toBe(false);
    });

    it('seals with the new first key', () => {
      const after = rotated.seal('xoxb-new', 'org-1');
      expect(rotated.keyIdOf(after)).toBe('b');
      expect(rotated.isCurrent(after)).toBe(true);
      // Once re-sealed, the old key can leave the ring.
      expect(new SecretBox(new KeyRing([B]), PURPOSE).open(after, 'org-1')).toBe('xoxb-new');
    });

    it('refuses a value whose key is not in the ring, naming the key', () => {
      const before = box.seal('xoxb-old');
      expect(() => new SecretBox(new KeyRing([B]), PURPOSE).open(before)).toThrow(
        /key 'a', which is not in the key ring/,
      );
    });
  });

  describe('values sealed before the key ring (no key id)', () => {
    const old = legacySeal(LEGACY_SECRET, PURPOSE, 'xoxb-legacy', 'org-1');
    const k0 = { id: 'k0', secret: LEGACY_SECRET };

    it('open with k0, also when a newer key is first', () => {
      expect(new SecretBox(new KeyRing([k0]), PURPOSE).open(old, 'org-1')).toBe('xoxb-legacy');
      const rotated = new SecretBox(new KeyRing([B, k0]), PURPOSE);
      expect(rotated.open(old, 'org-1')).toBe('xoxb-legacy');
      expect(rotated.keyIdOf(old)).toBe('k0');
      expect(rotated.isCurrent(old)).toBe(false);
    });

    it('open with k0 only', () => {
      const sameSecretOtherId = new KeyRing([{ id: 'k1', secret: LEGACY_SECRET }]);
      expect(() => new SecretBox(sameSecretOtherId, PURPOSE).open(old, 'org-1')).toThrow(
        /key 'k0', which is not in the key ring/,
      );
      const changedK0 = new KeyRing([{ id: 'k0', secret: 'another-app-secret-012345' }]);
      expect(() => new SecretBox(changedK0, PURPOSE).open(old, 'org-1')).toThrow(
        /failed authentication/,
      );
    });
  });

  it.each([
    ['', /malformed/],
    ['plain-text-token', /malformed/],
    ['v2.a.b.c', /unknown version/],
    ['v1.a.b.c.d.e', /malformed/],
    ['v1.a.b.c.d', /malformed/],
    ['v1.bad id.AAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAA.AAAA', /malformed/],
    ['v1.!!.b.c', /malformed/],
    ['v1.AAAA.AAAA.AAAA', /malformed/],
  ])('refuses the malformed value %j', (value, pattern) => {
    expect(() => box.open(value)).toThrow(pattern);
  });
});
