import { Transform, TransformCallback } from 'node:stream';
import { ByteQueue } from './byte-queue';
import {
  FileKeys,
  HEADER_LENGTH,
  IntegrityFailure,
  openHeader,
  openSegment,
  TAG_LENGTH,
} from './encrypted-file-format';
import { StorageIntegrityError } from './storage.errors';

/**
 * Encrypted file in, plaintext out, one verified segment at a time: a segment's plaintext is
 * pushed only after its tag checks, so a consumer never sees bytes of a bad segment. The last
 * sealed segment is held back until the input ends, because it must be opened as the final one.
 */
export class DecryptSegmentsTransform extends Transform {
  /** Resolves with the file's keys once the header has authenticated; rejects otherwise. */
  readonly header: Promise<FileKeys>;
  private resolveHeader!: (keys: FileKeys) => void;
  private rejectHeader!: (error: Error) => void;
  private keys?: FileKeys;
  private readonly pending = new ByteQueue();
  private index = 0;

  constructor(
    private readonly masterKey: Buffer,
    private readonly storageKey: string,
  ) {
    super();
    this.header = new Promise<FileKeys>((resolve, reject) => {
      this.resolveHeader = resolve;
      this.rejectHeader = reject;
    });
    this.header.catch(() => undefined); // also reported as the stream's error
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.pending.push(chunk);
    this.step(done, () => {
      const keys = this.keys ?? this.readHeader();
      if (!keys) return;
      const sealedSegment = keys.segmentSize + TAG_LENGTH;
      while (this.pending.length > sealedSegment) {
        this.push(openSegment(keys, this.index++, this.pending.take(sealedSegment), false));
      }
    });
  }

  override _flush(done: TransformCallback): void {
    this.step(done, () => {
      const keys = this.keys ?? this.readHeader();
      if (!keys) throw new IntegrityFailure('file ends inside its header');
      const rest = this.pending.take(this.pending.length);
      this.push(openSegment(keys, this.index++, rest, true));
    });
  }

  override _destroy(error: Error | null, done: (error?: Error | null) => void): void {
    this.rejectHeader(error ?? new Error('stream closed before the header was read'));
    this.keys?.dataKey.fill(0);
    done(error);
  }

  private readHeader(): FileKeys | undefined {
    if (this.pending.length < HEADER_LENGTH) return undefined;
    this.keys = openHeader(this.masterKey, this.storageKey, this.pending.take(HEADER_LENGTH));
    this.resolveHeader(this.keys);
    return this.keys;
  }

  private step(done: TransformCallback, work: () => void): void {
    try {
      work();
      done();
    } catch (error) {
      const failure =
        error instanceof IntegrityFailure
          ? new StorageIntegrityError(this.storageKey, error.message)
          : (error as Error);
      this.rejectHeader(failure);
      done(failure);
    }
  }
}
