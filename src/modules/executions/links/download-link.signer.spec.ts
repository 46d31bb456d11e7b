import { DownloadLinkSigner } from './download-link.signer';

describe('DownloadLinkSigner', () => {
  const signer = new DownloadLinkSigner('a-secret-of-sixteen+');
  const grant = {
    executionId: '8d7c6b5a-4f3e-4d2c-9b1a-0f9e8d7c6b5a',
    orgId: '9b2f4c1a-6d7e-4f80-a1b2-c3d4e5f60718',
    expiresAt: 1_900_000_000,
  };

  it('round-trips a grant in a URL-safe token', () => {
    const token = signer.sign(grant);
    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(signer.verify(token)).toEqual(grant);
  });

  it('refuses tampering, other secrets and malformed tokens', () => {
    const token = signer.sign(grant);
    const [payload, mac] = token.split('.');
    const forged = Buffer.from(
      JSON.stringify({ e: grant.executionId, o: grant.orgId, x: 2_000_000_000 }),
    ).toString('base64url');
    expect(signer.verify(`${forged}.${mac}`)).toBeNull();
    expect(signer.verify(`${payload}.${mac.slice(0, -2)}AA`)).toBeNull();
    expect(new DownloadLinkSigner('another-secret-16+').verify(token)).toBeNull();
    for (const bad of ['', 'abc', 'a.b.c', `${payload}.`, '.x'])
      expect(signer.verify(bad)).toBeNull();
  });
});
