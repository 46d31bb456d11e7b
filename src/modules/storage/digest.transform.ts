import { createHash, Hash } from 'node:crypto';
import { Transform, TransformCallback } from 'node:stream';

/**
 * Passes bytes through unchanged while counting them and hashing them with SHA-256. No `size`
 * or `length` property: lib-storage's Upload would read it as the body's total length.
 */
export class DigestTransform extends Transform {
  private readonly hash: Hash = createHash('sha256');
  private counted = 0;
  private hex?: string;

  get byteCount(): number {
    return this.counted;
  }

  /** Hex SHA-256 of everything that passed; call after the stream ended. */
  get sha256(): string {
    this.hex ??= this.hash.digest('hex');
    return this.hex;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.hash.update(chunk);
    this.counted += chunk.length;
    done(null, chunk);
  }
}
