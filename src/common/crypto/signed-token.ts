import { createHmac, timingSafeEqual } from 'node:crypto';
import type { TokenPurpose } from 'src/domain/vocabulary';

/**
 * HMAC-SHA256 signed, URL-safe tokens: `base64url(JSON payload).base64url(mac)`. The MAC covers
 * a purpose string too, so a token minted for one use (a download link) is never accepted for
 * another (unsubscribe).
 */
export function signToken(secret: string, purpose: TokenPurpose, payload: object): string {
  const encoded = Buffer.from(JSON.stringify(payload)).toString('base64url');
  return `${encoded}.${mac(secret, purpose, encoded)}`;
}

/** The payload, or null when the token is malformed or its signature does not match. */
export function verifyToken(
  secret: string,
  purpose: TokenPurpose,
  token: string,
): Record<string, unknown> | null {
  const [encoded, given, extra] = token.split('.');
  if (!encoded || !given || extra !== undefined) return null;
  const expected = Buffer.from(mac(secret, purpose, encoded));
  const actual = Buffer.from(given);
  if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) return null;
  try {
    const payload: unknown = JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8'));
    return typeof payload === 'object' && payload !== null
      ? (payload as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

function mac(secret: string, purpose: string, encoded: string): string {
  return createHmac('sha256', secret).update(`${purpose}.${encoded}`).digest('base64url');
}
