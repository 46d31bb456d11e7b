import { DownloadLinkSigner } from 'src/modules/executions/links/download-link.signer';
import { UnsubscribeTokenSigner } from './unsubscribe-token.signer';

describe('UnsubscribeTokenSigner', () => {
  const signer = new UnsubscribeTokenSigner('a-secret-of-sixteen+');
  const grant = {
    orgId: '9b2f4c1a-6d7e-4f80-a1b2-c3d4e5f60718',
    scheduleId: '8d7c6b5a-4f3e-4d2c-9b1a-0f9e8d7c6b5a',
    recipientType: 'email' as const,
    recipientValue: 'ana@example.com',
  };

  it('round-trips a grant in a URL-safe token', () => {
    const token = signer.sign(grant);
    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(signer.verify(token)).toEqual(grant);
  });

  it('refuses tampering, another secret, malformed tokens and download-link tokens', () => {
    const token = signer.sign(grant);
    const [, mac] = token.split('.');
    const forged = Buffer.from(
      JSON.stringify({ o: grant.orgId, s: grant.scheduleId, t: 'email', v: 'eve@example.com' }),
    ).toString('base64url');
    expect(signer.verify(`${forged}.${mac}`)).toBeNull();
    expect(new UnsubscribeTokenSigner('another-secret-16+').verify(token)).toBeNull();
    for (const bad of ['', 'abc', 'a.b.c', '.x']) expect(signer.verify(bad)).toBeNull();
    const link = new DownloadLinkSigner('a-secret-of-sixteen+').sign({
      executionId: grant.scheduleId,
      orgId: grant.orgId,
      expiresAt: 1_900_000_000,
    });
    expect(signer.verify(link)).toBeNull();
  });
});
