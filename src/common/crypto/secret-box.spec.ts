import { SecretBox, SecretBoxError } from 'src/common/crypto/secret-box';

const APP_SECRET = 'unit-test-app-secret-0123456789';

describe('SecretBox', () => {
  const box = new SecretBox(APP_SECRET, 'slack-bot-token');

  it('round-trips a secret in the versioned base64url format', () => {
    const sealed = box.seal('xoxb-1234-5678-abcdef', 'org-1');
    expect(sealed).toMatch(/^v1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]+$/);
    expect(sealed).not.toContain('xoxb');
    expect(box.open(sealed, 'org-1')).toBe('xoxb-1234-5678-abcdef');
  });

  it('uses a fresh IV each time', () => {
    expect(box.seal('same')).not.toBe(box.seal('same'));
  });

  it('round-trips unicode and the empty string', () => {
    expect(box.open(box.seal('ünïcødé ✓'))).toBe('ünïcødé ✓');
    expect(box.open(box.seal(''))).toBe('');
  });

  it.each([
    ['ciphertext', 3],
    ['tag', 2],
    ['iv', 1],
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

  it('refuses a value sealed for another purpose or under another APP_SECRET', () => {
    const sealed = box.seal('secret-value');
    expect(() => new SecretBox(APP_SECRET, 'webhook-secret').open(sealed)).toThrow(SecretBoxError);
    expect(() =>
      new SecretBox('another-app-secret-012345', 'slack-bot-token').open(sealed),
    ).toThrow(/another APP_SECRET/);
  });

  it.each([
    ['', /malformed/],
    ['plain-text-token', /malformed/],
    ['v2.a.b.c', /unknown version/],
    ['v1.!!.b.c', /malformed/],
    ['v1.AAAA.AAAA.AAAA', /malformed/],
  ])('refuses the malformed value %j', (value, pattern) => {
    expect(() => box.open(value)).toThrow(pattern);
  });
});
