import { createHmac, timingSafeEqual } from 'node:crypto';
import type { RecipientType } from 'src/modules/schedules/entities/scheduled-report.entity';

/** What an unsubscribe link names: one recipient of one schedule. */
export interface UnsubscribeGrant {
  orgId: string;
  scheduleId: string;
  recipientType: RecipientType;
  recipientValue: string;
}

const PURPOSE = 'unsubscribe:v1';
const TYPES: readonly RecipientType[] = ['email', 'user_id', 'slack_channel', 'webhook'];

/**
 * HMAC-signed, URL-safe tokens `base64url(payload).base64url(mac)`. They do not expire: an
 * unsubscribe link in a year-old message must still work. The MAC covers a purpose string, so a
 * download-link token is never accepted here, nor this one there.
 */
export class UnsubscribeTokenSigner {
  constructor(private readonly secret: string) {}

  sign(grant: UnsubscribeGrant): string {
    const payload = Buffer.from(
      JSON.stringify({
        o: grant.orgId,
        s: grant.scheduleId,
        t: grant.recipientType,
        v: grant.recipientValue,
      }),
    ).toString('base64url');
    return `${payload}.${this.mac(payload)}`;
  }

  /** The grant, or null when the token is malformed or its signature does not match. */
  verify(token: string): UnsubscribeGrant | null {
    const [payload, mac, extra] = token.split('.');
    if (!payload || !mac || extra !== undefined) return null;
    const expected = Buffer.from(this.mac(payload));
    const given = Buffer.from(mac);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
    try {
      const { o, s, t, v } = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
      if (![o, s, v].every((x) => typeof x === 'string') || !TYPES.includes(t)) return null;
      return { orgId: o, scheduleId: s, recipientType: t, recipientValue: v };
    } catch {
      return null;
    }
  }

  private mac(payload: string): string {
    return createHmac('sha256', this.secret).update(`${PURPOSE}.${payload}`).digest('base64url');
  }
}
