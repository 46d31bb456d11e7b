import { createHash, Hash } from 'node:crypto';
import { Transform, TransformCallback } from 'node:stream';

/** Passes bytes through unchanged while counting them and hashing them with SHA-256. */
export class DigestTransform extends Transform {
  private readonly hash: Hash = createHash('sha256');
  private bytes = 0;
  private hex?: string;

  get size(): number {
    return this.bytes;
  }

  /** Hex SHA-256 of everything that passed; call after the stream ended. */
  get sha256(): string {
    this.hex ??= this.hash.digest('hex');
    return this.hex;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    done(null, chunk);
  }
}
