import { KeyRing } from 'src/common/crypto/key-ring';
import { signToken, verifyToken } from 'src/common/crypto/signed-token';
import { RECIPIENT_TYPES, RecipientType, TOKEN_PURPOSES } from 'src/domain/vocabulary';

/** What an unsubscribe link names: one recipient of one schedule. */
export interface UnsubscribeGrant {
  orgId: string;
  scheduleId: string;
  recipientType: RecipientType;
  recipientValue: string;
}

const PURPOSE = TOKEN_PURPOSES.unsubscribe;

/**
 * Unsubscribe tokens (`signToken`, purpose-bound, so a download-link token is never accepted
 * here). They do not expire: an unsubscribe link in a year-old message must still work, which is
 * also why a rotated-out key should stay in the ring for as long as such messages matter.
 */
export class UnsubscribeTokenSigner {
  constructor(private readonly ring: KeyRing) {}

  sign(grant: UnsubscribeGrant): string {
    return signToken(this.ring, PURPOSE, {
      o: grant.orgId,
      s: grant.scheduleId,
      t: grant.recipientType,
      v: grant.recipientValue,
    });
  }

  /** The grant, or null when the token is malformed or its signature does not match. */
  verify(token: string): UnsubscribeGrant | null {
    const payload = verifyToken(this.ring, PURPOSE, token);
    if (!payload) return null;
    const { o, s, t, v } = payload;
    if (typeof o !== 'string' || typeof s !== 'string' || typeof v !== 'string') return null;
    if (!RECIPIENT_TYPES.includes(t as RecipientType)) return null;
    return { orgId: o, scheduleId: s, recipientType: t as RecipientType, recipientValue: v };
  }
}
