import { signToken, verifyToken } from 'src/common/crypto/signed-token';
import { TOKEN_PURPOSES } from 'src/domain/vocabulary';

/** What a download link grants: one execution's file, in one organization, until `expiresAt`. */
export interface DownloadGrant {
  executionId: string;
  orgId: string;
  /** Unix seconds. */
  expiresAt: number;
}

const PURPOSE = TOKEN_PURPOSES.downloadLink;

/** Signs and checks download-link tokens (`signToken`, purpose-bound). */
export class DownloadLinkSigner {
  constructor(private readonly secret: string) {}

  sign(grant: DownloadGrant): string {
    return signToken(this.secret, PURPOSE, {
      e: grant.executionId,
      o: grant.orgId,
      x: grant.expiresAt,
    });
  }

  /** The grant, or null when the token is malformed or its signature does not match. */
  verify(token: string): DownloadGrant | null {
    const payload = verifyToken(this.secret, PURPOSE, token);
    if (!payload) return null;
    const { e, o, x } = payload;
    if (typeof e !== 'string' || typeof o !== 'string' || typeof x !== 'number') return null;
    return { executionId: e, orgId: o, expiresAt: x };
  }
}
