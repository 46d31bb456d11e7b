import { Transform } from 'node:stream';
import { PermanentGenerationError } from 'src/modules/generators/generation.errors';

/** Counts object rows on their way through and fails the stream past `maxRows`. */
export class RowLimitTransform extends Transform {
  rows = 0;

  constructor(private readonly maxRows: number) {
    super({ objectMode: true });
  }

  override _transform(
    row: unknown,
    _encoding: BufferEncoding,
    done: (error?: Error | null, row?: unknown) => void,
  ): void {
    this.rows += 1;
    if (this.rows > this.maxRows) {
      done(
        new PermanentGenerationError(
          `the report has more than ${this.maxRows} rows (the configured maximum)`,
        ),
      );
      return;
    }
    done(null, row);
  }
}
