import { pipeline, Readable } from 'node:stream';
import { DecryptSegmentsTransform } from './decrypt-segments.transform';
import { DigestTransform } from './digest.transform';
import { EncryptSegmentsTransform } from './encrypt-segments.transform';
import {
  DEFAULT_SEGMENT_SIZE,
  IntegrityFailure,
  KEY_LENGTH,
  MAX_SEGMENT_SIZE,
  MIN_SEGMENT_SIZE,
  plaintextSize,
} from './encrypted-file-format';
import { ListedObject, PutOptions, StorageDriver, StoredFile } from './storage-driver';
import { assertValidStorageKey } from './storage-key';
import { StorageIntegrityError } from './storage.errors';

/**
 * Encrypts files at rest on top of any driver (format in encrypted-file-format.ts). Streams
 * both ways in fixed segments, so memory stays flat whatever the file size. Atomicity,
 * overwrite and cleanup come from the inner driver.
 */
export class EncryptingStorageDriver implements StorageDriver {
  private readonly segmentSize: number;

  constructor(
    private readonly inner: StorageDriver,
    private readonly masterKey: Buffer,
    options: { segmentSize?: number } = {},
  ) {
    if (masterKey.length !== KEY_LENGTH) {
      throw new RangeError(`the storage encryption key must be ${KEY_LENGTH} bytes`);
    }
    this.segmentSize = options.segmentSize ?? DEFAULT_SEGMENT_SIZE;
    if (this.segmentSize < MIN_SEGMENT_SIZE || this.segmentSize > MAX_SEGMENT_SIZE) {
      throw new RangeError(`segment size must be ${MIN_SEGMENT_SIZE}..${MAX_SEGMENT_SIZE} bytes`);
    }
  }

  async put(key: string, body: Readable, options: PutOptions = {}): Promise<StoredFile> {
    let encrypt: EncryptSegmentsTransform;
    try {
      assertValidStorageKey(key);
      encrypt = new EncryptSegmentsTransform(this.masterKey, key, this.segmentSize);
    } catch (error) {
      body.destroy();
      throw error;
    }
    const digest = new DigestTransform();
    // A source error destroys `encrypt` with that error, which fails the inner put.
    pipeline(body, digest, encrypt, () => undefined);
    try {
      await this.inner.put(key, encrypt, {
        contentType: 'application/octet-stream',
        signal: options.signal,
      });
    } catch (error) {
      body.destroy();
      encrypt.destroy();
      throw error;
    }
    return { key, size: digest.byteCount, sha256: digest.sha256 };
  }

  /** Resolves once the header has authenticated, so a wrong master key fails here. */
  async get(key: string): Promise<{ stream: Readable; size: number }> {
    assertValidStorageKey(key);
    const stored = await this.inner.get(key);
    const decrypt = new DecryptSegmentsTransform(this.masterKey, key);
    const stream = pipeline(stored.stream, decrypt, () => undefined);
    try {
      const { segmentSize } = await decrypt.header;
      return { stream, size: plaintextSize(stored.size, segmentSize) };
    } catch (error) {
      stream.destroy();
      if (error instanceof IntegrityFailure) throw new StorageIntegrityError(key, error.message);
      throw error;
    }
  }

  delete(key: string): Promise<void> {
    return this.inner.delete(key);
  }

  exists(key: string): Promise<boolean> {
    return this.inner.exists(key);
  }

  list(): AsyncIterable<ListedObject> {
    return this.inner.list();
  }

  removeIncomplete(startedBefore: Date): Promise<number> {
    return this.inner.removeIncomplete(startedBefore);
  }
}
