import { createCipheriv, hkdfSync, randomBytes } from 'node:crypto';

/**
 * A value sealed the way it was before the key ring (`v1`, no key id, keyed by APP_SECRET),
 * written independently of SecretBox so tests prove old rows still open and get resealed.
 */
export function legacySeal(appSecret: string, purpose: string, plaintext: string, ad = ''): string {
  const key = Buffer.from(
    hkdfSync('sha256', appSecret, 'scheduled-reports/secret-box', `secret-box:${purpose}`, 32),
  );
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: 16 });
  cipher.setAAD(Buffer.from(ad, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return ['v1', iv, cipher.getAuthTag(), ciphertext]
    .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
    .join('.');
}
