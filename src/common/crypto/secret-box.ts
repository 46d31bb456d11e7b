import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;
// A fixed salt is fine for HKDF when the input key is already secret; it only separates this
// derivation from any other use of APP_SECRET (link signing, unsubscribe tokens).
const SALT = 'scheduled-reports/secret-box';

/** A sealed value could not be opened: tampered with, truncated, or sealed under another key. */
export class SecretBoxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SecretBoxError';
  }
}

/**
 * AES-256-GCM for short secrets kept in the database (Slack tokens, webhook secrets).
 * The key is derived from APP_SECRET by HKDF-SHA256 with a purpose string, so a value sealed for
 * one purpose never opens as another. `associatedData` (e.g. the organization id) binds a value
 * to its row: a sealed token copied into another organization's row does not open there.
 *
 * Format: `v1.<iv>.<tag>.<ciphertext>`, each part base64url.
 */
export class SecretBox {
  private readonly key: Buffer;

  constructor(appSecret: string, purpose: string) {
    if (!appSecret) throw new Error('SecretBox needs a non-empty app secret');
    if (!purpose) throw new Error('SecretBox needs a purpose');
    this.key = Buffer.from(hkdfSync('sha256', appSecret, SALT, `secret-box:${purpose}`, 32));
  }

  seal(plaintext: string, associatedData = ''): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(associatedData, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [VERSION, iv, cipher.getAuthTag(), ciphertext]
      .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
      .join('.');
  }

  /** The plaintext; throws SecretBoxError when the value is malformed or fails authentication. */
  open(sealed: string, associatedData = ''): string {
    const parts = sealed.split('.');
    if (parts.length !== 4) throw new SecretBoxError('sealed secret is malformed');
    const [version, ivText, tagText, ciphertextText] = parts;
    if (version !== VERSION) {
      throw new SecretBoxError(`sealed secret has unknown version ${JSON.stringify(version)}`);
    }
    const iv = decodePart(ivText);
    const tag = decodePart(tagText);
    const ciphertext = decodePart(ciphertextText);
    if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) {
      throw new SecretBoxError('sealed secret is malformed');
    }
    const decipher = createDecipheriv('aes-256-gcm', this.key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(associatedData, 'utf8'));
    decipher.setAuthTag(tag);
    try {
      return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
    } catch {
      // GCM says only "unable to authenticate"; name the likely causes for the operator.
      throw new SecretBoxError(
        'sealed secret failed authentication (tampered with, or sealed with another APP_SECRET)',
      );
    }
  }
}

function decodePart(text: string): Buffer {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) throw new SecretBoxError('sealed secret is malformed');
  return Buffer.from(text, 'base64url');
}
