import { Transform, TransformCallback } from 'node:stream';
import { PermanentGenerationError } from 'src/modules/generators/generation.errors';

const LF = 0x0a;
const QUOTE = 0x22;
const CRLF = Buffer.from('\r\n');

/**
 * COPY's CSV bytes in (records ending in LF), RFC 4180 records out: each record preceded by
 * CRLF and none after the last, so the output follows a header line the way the escaper wrote
 * it. Counts records on the way and fails the stream past `maxRows`.
 *
 * A record ends at an LF outside quotes: a quoted field may hold line breaks, and COPY doubles
 * a quote inside one, so toggling at every quote byte tracks the state exactly. Neither byte
 * occurs inside a multi-byte UTF-8 character. The scan jumps between quotes and line feeds
 * with Buffer#indexOf (native), never byte by byte.
 */
export class CsvCopyRecordsTransform extends Transform {
  rows = 0;
  private quoted = false;
  private recordStart = true;

  constructor(private readonly maxRows: number) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    const end = chunk.length;
    if (end === 0) return done();
    // Each LF may become CRLF, and a record starting here gets its CRLF first. Sized by the LFs
    // rather than twice the chunk: these buffers are most of what the CSV path leaves to the GC,
    // and that garbage, not live data, is what its peak RSS measures.
    const out = Buffer.allocUnsafe(end + countLineFeeds(chunk) + CRLF.length);
    let written = 0;
    if (this.recordStart) {
      written += CRLF.copy(out, written);
      this.recordStart = false;
    }
    let from = 0; // first byte not copied to out yet
    let at = 0; // scan position
    let nextQuote = indexOrEnd(chunk, QUOTE, 0);
    let nextLf = indexOrEnd(chunk, LF, 0);
    while (at < end) {
      if (this.quoted) {
        if (nextQuote < at) nextQuote = indexOrEnd(chunk, QUOTE, at);
        if (nextQuote === end) break;
        this.quoted = false;
        at = nextQuote + 1;
        continue;
      }
      if (nextQuote < at) nextQuote = indexOrEnd(chunk, QUOTE, at);
      if (nextLf < at) nextLf = indexOrEnd(chunk, LF, at);
      if (nextQuote < nextLf) {
        this.quoted = true;
        at = nextQuote + 1;
        continue;
      }
      if (nextLf === end) break;
      this.rows += 1;
      if (this.rows > this.maxRows) {
        return done(
          new PermanentGenerationError(
            `the report has more than ${this.maxRows} rows (the configured maximum)`,
          ),
        );
      }
      written += chunk.copy(out, written, from, nextLf);
      from = nextLf + 1;
      at = from;
      if (from < end) written += CRLF.copy(out, written);
      else this.recordStart = true;
    }
    if (from < end) written += chunk.copy(out, written, from, end);
    done(null, out.subarray(0, written));
  }
}

function countLineFeeds(chunk: Buffer): number {
  let count = 0;
  for (let at = chunk.indexOf(LF); at !== -1; at = chunk.indexOf(LF, at + 1)) count += 1;
  return count;
}

function indexOrEnd(chunk: Buffer, byte: number, from: number): number {
  const found = chunk.indexOf(byte, from);
  return found === -1 ? chunk.length : found;
}
