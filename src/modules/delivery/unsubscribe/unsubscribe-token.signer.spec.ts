import { createHmac } from 'node:crypto';
import { KeyRing } from 'src/common/crypto/key-ring';
import { DownloadLinkSigner } from 'src/modules/executions/links/download-link.signer';
import { UnsubscribeTokenSigner } from './unsubscribe-token.signer';

const A = { id: 'a', secret: 'a-secret-of-sixteen+' };
const B = { id: 'b', secret: 'b-secret-of-sixteen+' };

describe('UnsubscribeTokenSigner', () => {
  const ring = new KeyRing([A]);
  const signer = new UnsubscribeTokenSigner(ring);
  const grant = {
    orgId: '9b2f4c1a-6d7e-4f80-a1b2-c3d4e5f60718',
    scheduleId: '8d7c6b5a-4f3e-4d2c-9b1a-0f9e8d7c6b5a',
    recipientType: 'email' as const,
    recipientValue: 'ana@example.com',
  };

  it('round-trips a grant in a URL-safe token naming its key, with no expiry', () => {
    const token = signer.sign(grant);
    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(signer.verify(token)).toEqual(grant);
    const payload = JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString());
    expect(payload).toEqual({
      k: 'a',
      o: grant.orgId,
      s: grant.scheduleId,
      t: 'email',
      v: 'ana@example.com',
    });
  });

  it('refuses tampering, another key, malformed tokens and download-link tokens', () => {
    const token = signer.sign(grant);
    const [, mac] = token.split('.');
    const forged = Buffer.from(
      JSON.stringify({
        k: 'a',
        o: grant.orgId,
        s: grant.scheduleId,
        t: 'email',
        v: 'eve@example.com',
      }),
    ).toString('base64url');
    expect(signer.verify(`${forged}.${mac}`)).toBeNull();
    expect(new UnsubscribeTokenSigner(new KeyRing([B])).verify(token)).toBeNull();
    for (const bad of ['', 'abc', 'a.b.c', '.x']) expect(signer.verify(bad)).toBeNull();
    const link = new DownloadLinkSigner(ring).sign({
      executionId: grant.scheduleId,
      orgId: grant.orgId,
      expiresAt: 1_900_000_000,
    });
    expect(signer.verify(link)).toBeNull();
  });

  it('verifies a token made with the old first key after a new key is put first', () => {
    expect(new UnsubscribeTokenSigner(new KeyRing([B, A])).verify(signer.sign(grant))).toEqual(
      grant,
    );
  });

  it('verifies a token from an email sent before key ids with k0 only', () => {
    const encoded = Buffer.from(
      JSON.stringify({ o: grant.orgId, s: grant.scheduleId, t: 'email', v: grant.recipientValue }),
    ).toString('base64url');
    const mac = createHmac('sha256', A.secret)
      .update(`unsubscribe:v1.${encoded}`)
      .digest('base64url');
    const legacy = `${encoded}.${mac}`;
    const k0 = { id: 'k0', secret: A.secret };
    expect(new UnsubscribeTokenSigner(new KeyRing([k0])).verify(legacy)).toEqual(grant);
    expect(new UnsubscribeTokenSigner(new KeyRing([B, k0])).verify(legacy)).toEqual(grant);
    expect(signer.verify(legacy)).toBeNull();
  });
});
