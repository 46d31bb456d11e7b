import { Transform, TransformCallback } from 'node:stream';
import { ByteQueue } from './byte-queue';
import { buildHeader, FileKeys, newFileKeys, sealSegment } from './encrypted-file-format';

/**
 * Plaintext in, encrypted file out (layout in encrypted-file-format.ts). Holds at most one
 * segment plus the incoming chunk: a full segment is sealed only once a byte beyond it has
 * arrived, because the last segment must be sealed with the final flag.
 */
export class EncryptSegmentsTransform extends Transform {
  private readonly keys: FileKeys;
  private readonly pending = new ByteQueue();
  private header?: Buffer;
  private index = 0;

  constructor(masterKey: Buffer, storageKey: string, segmentSize: number) {
    super();
    this.keys = newFileKeys(segmentSize);
    this.header = buildHeader(masterKey, storageKey, this.keys);
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    try {
      this.sendHeader();
      this.pending.push(chunk);
      while (this.pending.length > this.keys.segmentSize) {
        this.push(
          sealSegment(this.keys, this.index++, this.pending.take(this.keys.segmentSize), false),
        );
      }
      done();
    } catch (error) {
      done(error as Error);
    }
  }

  override _flush(done: TransformCallback): void {
    try {
      this.sendHeader();
      this.push(sealSegment(this.keys, this.index++, this.pending.take(this.pending.length), true));
      this.keys.dataKey.fill(0);
      done();
    } catch (error) {
      done(error as Error);
    }
  }

  override _destroy(error: Error | null, done: (error?: Error | null) => void): void {
    this.keys.dataKey.fill(0);
    done(error);
  }

  private sendHeader(): void {
    if (!this.header) return;
    this.push(this.header);
    this.header = undefined;
  }
}
