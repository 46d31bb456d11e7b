import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * `X-Signature` for a webhook body: `t=<unix seconds>,v1=<hex HMAC-SHA256 of
 * "t.body">`, one `v1=` per secret. During the 24 h after a rotation the org has two secrets
 * (current first), so a receiver still holding the previous one keeps verifying.
 */
export function signWebhook(body: string, secrets: readonly string[], unixSeconds: number): string {
  if (secrets.length === 0) throw new Error('a webhook needs at least one signing secret');
  const t = Math.floor(unixSeconds);
  return [`t=${t}`, ...secrets.map((secret) => `v1=${hmac(secret, t, body)}`)].join(',');
}

/**
 * What a receiver does (docs and tests): true when one `v1=` matches the secret and `t` is within
 * toleranceSeconds of now, which limits replays of a captured request.
 */
export function verifyWebhookSignature(
  header: string,
  body: string,
  secret: string,
  toleranceSeconds: number,
  now: number = Math.floor(Date.now() / 1000),
): boolean {
  const parts = header.split(',').map((part) => part.trim().split('='));
  const timestamps = parts.filter(([key]) => key === 't').map(([, value]) => value);
  if (timestamps.length !== 1 || !/^\d+$/.test(timestamps[0])) return false;
  const t = Number(timestamps[0]);
  if (Math.abs(now - t) > toleranceSeconds) return false;
  const expected = Buffer.from(hmac(secret, t, body), 'hex');
  return parts
    .filter(([key, value]) => key === 'v1' && /^[0-9a-f]{64}$/.test(value ?? ''))
    .some(([, value]) => timingSafeEqual(Buffer.from(value, 'hex'), expected));
}

function hmac(secret: string, t: number, body: string): string {
  return createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
}
