import { hkdfSync } from 'node:crypto';

/** One key of the ring (APP_SECRETS `id:secret`, or APP_SECRET as `k0`). */
export interface RingKey {
  id: string;
  secret: string;
}

/** What a subkey is for: signing tokens, or sealing secrets at rest. */
export type SubkeyUse = 'signed-token' | 'secret-box';

/**
 * The id APP_SECRET gets as a ring of one. Tokens and sealed values made before they carried a
 * key id were made with APP_SECRET, so only this key may check them.
 */
export const LEGACY_KEY_ID = 'k0';

/**
 * The application key ring, current key first: the first key signs and seals, every key verifies
 * and opens. Nothing uses a ring key directly: each (key, use, purpose) gets its own HKDF-SHA256
 * subkey, so one key never signs two kinds of thing, and a download-link MAC can never pass as an
 * unsubscribe MAC or an AES key.
 */
export class KeyRing {
  private readonly keys: ReadonlyMap<string, string>;
  private readonly subkeys = new Map<string, Buffer>();
  readonly currentId: string;

  constructor(keys: readonly RingKey[]) {
    if (keys.length === 0) throw new Error('KeyRing needs at least one key');
    const map = new Map<string, string>();
    for (const { id, secret } of keys) {
      if (!id || !secret) throw new Error('KeyRing keys need an id and a secret');
      if (map.has(id)) throw new Error(`KeyRing key id '${id}' appears twice`);
      map.set(id, secret);
    }
    this.keys = map;
    this.currentId = keys[0].id;
  }

  has(id: string): boolean {
    return this.keys.has(id);
  }

  /**
   * The 32-byte subkey of key `id` for one use and purpose; null when the ring has no such key.
   * The salt and info of `secret-box` are those sealed values used before the ring existed, so a
   * value sealed then opens with the `k0` subkey unchanged.
   */
  subkey(id: string, use: SubkeyUse, purpose: string): Buffer | null {
    const secret = this.keys.get(id);
    if (secret === undefined) return null;
    const cacheKey = `${id}\u0000${use}\u0000${purpose}`;
    let key = this.subkeys.get(cacheKey);
    if (!key) {
      key = Buffer.from(
        hkdfSync('sha256', secret, `scheduled-reports/${use}`, `${use}:${purpose}`, 32),
      );
      this.subkeys.set(cacheKey, key);
    }
    return key;
  }

  /**
   * The raw secret of `k0`, for checking tokens signed before the ring (HMAC with APP_SECRET
   * itself); null when `k0` is not in the ring, which ends those tokens.
   */
  legacySecret(): string | null {
    return this.keys.get(LEGACY_KEY_ID) ?? null;
  }
}
