import { createHmac, timingSafeEqual } from 'node:crypto';
import type { TokenPurpose } from 'src/domain/vocabulary';
import { KeyRing } from './key-ring';

/** The payload field naming the ring key that signed the token. */
const KEY_ID = 'k';

/**
 * HMAC-SHA256 signed, URL-safe tokens: `base64url(JSON payload).base64url(mac)`. The payload
 * names the signing key (`k`), so any key of the ring can check a token after the current key
 * changed. The MAC key is that key's subkey for this purpose, and the MAC covers the purpose
 * string too, so a token minted for one use (a download link) is never accepted for another
 * (unsubscribe).
 */
export function signToken(ring: KeyRing, purpose: TokenPurpose, payload: object): string {
  if (KEY_ID in payload)
    throw new Error(`a token payload may not use the reserved field '${KEY_ID}'`);
  const keyId = ring.currentId;
  const encoded = Buffer.from(JSON.stringify({ [KEY_ID]: keyId, ...payload })).toString(
    'base64url',
  );
  return `${encoded}.${mac(ring.subkey(keyId, 'signed-token', purpose) as Buffer, purpose, encoded)}`;
}

/**
 * The payload (without `k`), or null when the token is malformed, names a key the ring does not
 * hold, or its signature does not match. A token without `k` was signed before the ring, with
 * APP_SECRET itself: only `k0` may check it, so links in old emails keep working while APP_SECRET
 * stays in the ring as `k0`.
 */
export function verifyToken(
  ring: KeyRing,
  purpose: TokenPurpose,
  token: string,
): Record<string, unknown> | null {
  const [encoded, given, extra] = token.split('.');
  if (!encoded || !given || extra !== undefined) return null;
  // Read before the MAC is checked, only to pick the key; nothing else is trusted until then.
  const payload = decodePayload(encoded);
  if (!payload) return null;
  const keyId = payload[KEY_ID];
  let key: Buffer | string | null;
  if (keyId === undefined) key = ring.legacySecret();
  else if (typeof keyId === 'string') key = ring.subkey(keyId, 'signed-token', purpose);
  else return null;
  if (key === null) return null;
  const expected = Buffer.from(mac(key, purpose, encoded));
  const actual = Buffer.from(given);
  if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) return null;
  const { [KEY_ID]: _keyId, ...rest } = payload;
  return rest;
}

function decodePayload(encoded: string): Record<string, unknown> | null {
  try {
    const payload: unknown = JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8'));
    return typeof payload === 'object' && payload !== null && !Array.isArray(payload)
      ? (payload as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

function mac(key: Buffer | string, purpose: string, encoded: string): string {
  return createHmac('sha256', key).update(`${purpose}.${encoded}`).digest('base64url');
}
