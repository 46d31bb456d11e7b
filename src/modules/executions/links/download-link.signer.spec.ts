import { createHmac } from 'node:crypto';
import { KeyRing } from 'src/common/crypto/key-ring';
import { DownloadLinkSigner } from './download-link.signer';

const A = { id: 'a', secret: 'a-secret-of-sixteen+' };
const B = { id: 'b', secret: 'b-secret-of-sixteen+' };
const ISSUED_AT = 1_890_000_000_123;

describe('DownloadLinkSigner', () => {
  const signer = new DownloadLinkSigner(new KeyRing([A]), () => ISSUED_AT);
  const grant = {
    executionId: '8d7c6b5a-4f3e-4d2c-9b1a-0f9e8d7c6b5a',
    orgId: '9b2f4c1a-6d7e-4f80-a1b2-c3d4e5f60718',
    expiresAt: 1_900_000_000,
  };

  it('round-trips a grant, with its issue time, in a URL-safe token naming its key', () => {
    const token = signer.sign(grant);
    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(signer.verify(token)).toEqual({ ...grant, issuedAt: ISSUED_AT });
    const payload = JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString());
    expect(payload).toMatchObject({ k: 'a', i: ISSUED_AT });
  });

  it('refuses tampering, other keys and malformed tokens', () => {
    const token = signer.sign(grant);
    const [payload, mac] = token.split('.');
    const forged = Buffer.from(
      JSON.stringify({ k: 'a', e: grant.executionId, o: grant.orgId, x: 2_000_000_000 }),
    ).toString('base64url');
    expect(signer.verify(`${forged}.${mac}`)).toBeNull();
    expect(signer.verify(`${payload}.${mac.slice(0, -2)}AA`)).toBeNull();
    expect(
      new DownloadLinkSigner(new KeyRing([{ ...A, secret: 'another-secret-16+' }])).verify(token),
    ).toBeNull();
    for (const bad of ['', 'abc', 'a.b.c', `${payload}.`, '.x'])
      expect(signer.verify(bad)).toBeNull();
  });

  it('verifies a link made with the old first key after a new key is put first; not after it left', () => {
    const before = signer.sign(grant);
    expect(new DownloadLinkSigner(new KeyRing([B, A])).verify(before)).toEqual({
      ...grant,
      issuedAt: ISSUED_AT,
    });
    expect(new DownloadLinkSigner(new KeyRing([B])).verify(before)).toBeNull();
  });

  it('verifies a link made before key ids with k0 only, with no issue time', () => {
    const encoded = Buffer.from(
      JSON.stringify({ e: grant.executionId, o: grant.orgId, x: grant.expiresAt }),
    ).toString('base64url');
    const mac = createHmac('sha256', A.secret)
      .update(`download-link:v1.${encoded}`)
      .digest('base64url');
    const legacy = `${encoded}.${mac}`;
    const k0 = { id: 'k0', secret: A.secret };
    expect(new DownloadLinkSigner(new KeyRing([B, k0])).verify(legacy)).toEqual({
      ...grant,
      issuedAt: null,
    });
    expect(new DownloadLinkSigner(new KeyRing([A])).verify(legacy)).toBeNull();
  });
});
