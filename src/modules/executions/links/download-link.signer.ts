import { KeyRing } from 'src/common/crypto/key-ring';
import { signToken, verifyToken } from 'src/common/crypto/signed-token';
import { TOKEN_PURPOSES } from 'src/domain/vocabulary';

/** What a download link grants: one execution's file, in one organization, until `expiresAt`. */
export interface DownloadGrant {
  executionId: string;
  orgId: string;
  /** Unix seconds. */
  expiresAt: number;
  /**
   * Unix milliseconds: a revocation of the execution's links covers the links issued up to it.
   * Null for links minted before links carried it (they count as issued before any revocation).
   */
  issuedAt: number | null;
}

const PURPOSE = TOKEN_PURPOSES.downloadLink;

/** Signs and checks download-link tokens (`signToken`, purpose-bound, with the ring's key id). */
export class DownloadLinkSigner {
  /** `now` stamps the issue time (milliseconds); the caller's clock, so tests can pin it. */
  constructor(
    private readonly ring: KeyRing,
    private readonly now: () => number = Date.now,
  ) {}

  sign(grant: Omit<DownloadGrant, 'issuedAt'>): string {
    return signToken(this.ring, PURPOSE, {
      e: grant.executionId,
      o: grant.orgId,
      x: grant.expiresAt,
      i: this.now(),
    });
  }

  /** The grant, or null when the token is malformed or its signature does not match. */
  verify(token: string): DownloadGrant | null {
    const payload = verifyToken(this.ring, PURPOSE, token);
    if (!payload) return null;
    const { e, o, x, i } = payload;
    if (typeof e !== 'string' || typeof o !== 'string' || typeof x !== 'number') return null;
    if (i !== undefined && typeof i !== 'number') return null;
    return { executionId: e, orgId: o, expiresAt: x, issuedAt: i ?? null };
  }
}
