import { createHmac, timingSafeEqual } from 'node:crypto';

/** What a download link grants: one execution's file, in one organization, until `expiresAt`. */
export interface DownloadGrant {
  executionId: string;
  orgId: string;
  /** Unix seconds. */
  expiresAt: number;
}

const PURPOSE = 'download-link:v1';

/**
 * HMAC-SHA256 signed, URL-safe tokens: `base64url(payload).base64url(mac)`. The MAC covers a
 * purpose string too, so a token minted for another use (unsubscribe) never opens a file.
 */
export class DownloadLinkSigner {
  constructor(private readonly secret: string) {}

  sign(grant: DownloadGrant): string {
    const payload = Buffer.from(
      JSON.stringify({ e: grant.executionId, o: grant.orgId, x: grant.expiresAt }),
    ).toString('base64url');
    return `${payload}.${this.mac(payload)}`;
  }

  /** The grant, or null when the token is malformed or its signature does not match. */
  verify(token: string): DownloadGrant | null {
    const [payload, mac, extra] = token.split('.');
    if (!payload || !mac || extra !== undefined) return null;
    const expected = Buffer.from(this.mac(payload));
    const given = Buffer.from(mac);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
    try {
      const { e, o, x } = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<
        string,
        unknown
      >;
      if (typeof e !== 'string' || typeof o !== 'string' || typeof x !== 'number') return null;
      return { executionId: e, orgId: o, expiresAt: x };
    } catch {
      return null;
    }
  }

  private mac(payload: string): string {
    return createHmac('sha256', this.secret).update(`${PURPOSE}.${payload}`).digest('base64url');
  }
}
