import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { KeyRing, LEGACY_KEY_ID } from './key-ring';

const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** A sealed value could not be opened: tampered with, truncated, or sealed under another key. */
export class SecretBoxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SecretBoxError';
  }
}

interface Parsed {
  keyId: string;
  iv: Buffer;
  tag: Buffer;
  ciphertext: Buffer;
}

/**
 * AES-256-GCM for short secrets kept in the database (Slack tokens, webhook secrets).
 * The key is the `secret-box` subkey (HKDF-SHA256) of a ring key for one purpose, so a value
 * sealed for one purpose never opens as another. `associatedData` (e.g. the organization id)
 * binds a value to its row: a sealed token copied into another organization's row does not open
 * there.
 *
 * Format: `v1.<key id>.<iv>.<tag>.<ciphertext>`, the last three base64url. The current key seals;
 * a value opens with the key it names, as long as that key is in the ring. Values sealed before
 * key ids have no key id (`v1.<iv>.<tag>.<ciphertext>`, same cipher and subkey) and open with `k0`.
 */
export class SecretBox {
  constructor(
    private readonly ring: KeyRing,
    private readonly purpose: string,
  ) {
    if (!purpose) throw new Error('SecretBox needs a purpose');
  }

  seal(plaintext: string, associatedData = ''): string {
    const keyId = this.ring.currentId;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key(keyId), iv, {
      authTagLength: TAG_BYTES,
    });
    cipher.setAAD(Buffer.from(associatedData, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [
      VERSION,
      keyId,
      ...[iv, cipher.getAuthTag(), ciphertext].map((b) => b.toString('base64url')),
    ].join('.');
  }

  /** The plaintext; throws SecretBoxError when the value is malformed or fails authentication. */
  open(sealed: string, associatedData = ''): string {
    const { keyId, iv, tag, ciphertext } = parse(sealed);
    if (!this.ring.has(keyId)) {
      throw new SecretBoxError(
        `sealed secret names key '${keyId}', which is not in the key ring (APP_SECRETS)`,
      );
    }
    const decipher = createDecipheriv('aes-256-gcm', this.key(keyId), iv, {
      authTagLength: TAG_BYTES,
    });
    decipher.setAAD(Buffer.from(associatedData, 'utf8'));
    decipher.setAuthTag(tag);
    try {
      return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
    } catch {
      // GCM says only "unable to authenticate"; name the likely causes for the operator.
      throw new SecretBoxError(
        `sealed secret failed authentication (tampered with, or key '${keyId}' is not the secret it was sealed with)`,
      );
    }
  }

  /** The id of the key a value was sealed with (`k0` for v1 values); throws when malformed. */
  keyIdOf(sealed: string): string {
    return parse(sealed).keyId;
  }

  /** Whether the value is sealed with the current key (a re-seal would change nothing). */
  isCurrent(sealed: string): boolean {
    return this.keyIdOf(sealed) === this.ring.currentId;
  }

  private key(keyId: string): Buffer {
    return this.ring.subkey(keyId, 'secret-box', this.purpose) as Buffer;
  }
}

function parse(sealed: string): Parsed {
  const parts = sealed.split('.');
  if (parts.length < 4 || parts.length > 5) throw new SecretBoxError('sealed secret is malformed');
  if (parts[0] !== VERSION) {
    throw new SecretBoxError(`sealed secret has unknown version ${JSON.stringify(parts[0])}`);
  }
  // Four parts: sealed before key ids, with APP_SECRET, which is k0 now.
  const keyId = parts.length === 5 ? parts[1] : LEGACY_KEY_ID;
  if (!/^[A-Za-z0-9_-]{1,32}$/.test(keyId)) throw new SecretBoxError('sealed secret is malformed');
  const rest = parts.slice(parts.length - 3);
  const [iv, tag, ciphertext] = rest.map(decodePart);
  if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) {
    throw new SecretBoxError('sealed secret is malformed');
  }
  return { keyId, iv, tag, ciphertext };
}

function decodePart(text: string): Buffer {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) throw new SecretBoxError('sealed secret is malformed');
  return Buffer.from(text, 'base64url');
}
