import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/*
 * Encrypted file layout (all integers big-endian):
 *
 *   header, 77 bytes
 *     0  magic "SRE1"              4
 *     4  version = 1               1
 *     5  segment size S (uint32)   4   plaintext bytes per segment
 *     9  nonce prefix              8   random per file
 *    17  wrap nonce               12   random per file
 *    29  wrapped data key         32   AES-256-GCM(master key, wrap nonce, data key,
 *    61  wrap tag                 16     AAD = header bytes 0..16 + UTF-8 storage key)
 *   segments, one or more
 *     AES-256-GCM(data key, nonce prefix + uint32 counter, plaintext, AAD = [final ? 1 : 0])
 *     ciphertext (S bytes, the last one 1..S, or 0 for an empty file) + tag 16
 *
 * The header's fields are authenticated by the wrap tag; the storage key in that AAD stops a
 * file copied over another key from decrypting. The counter in the nonce fixes segment order;
 * the final flag makes a file cut at a segment boundary fail.
 */
export const MAGIC = Buffer.from('SRE1', 'ascii');
export const FORMAT_VERSION = 1;
export const KEY_LENGTH = 32;
export const TAG_LENGTH = 16;
const NONCE_PREFIX_LENGTH = 8;
const WRAP_NONCE_LENGTH = 12;
const AUTHENTICATED_HEADER_LENGTH = 17; // magic, version, segment size, nonce prefix
export const HEADER_LENGTH =
  AUTHENTICATED_HEADER_LENGTH + WRAP_NONCE_LENGTH + KEY_LENGTH + TAG_LENGTH;
export const DEFAULT_SEGMENT_SIZE = 64 * 1024;
export const MIN_SEGMENT_SIZE = 16;
export const MAX_SEGMENT_SIZE = 8 * 1024 * 1024;
export const MAX_SEGMENTS = 2 ** 32; // the counter is 32 bits
const CIPHER = 'aes-256-gcm';

const FINAL = Buffer.from([1]);
const NOT_FINAL = Buffer.from([0]);

/** A per-file data key with the values that go into the header. */
export interface FileKeys {
  dataKey: Buffer;
  noncePrefix: Buffer;
  segmentSize: number;
}

/** Thrown by the format helpers; drivers turn it into StorageIntegrityError with the key. */
export class IntegrityFailure extends Error {}

export function newFileKeys(segmentSize: number): FileKeys {
  return {
    dataKey: randomBytes(KEY_LENGTH),
    noncePrefix: randomBytes(NONCE_PREFIX_LENGTH),
    segmentSize,
  };
}

export function buildHeader(masterKey: Buffer, storageKey: string, keys: FileKeys): Buffer {
  const fixed = Buffer.alloc(AUTHENTICATED_HEADER_LENGTH);
  MAGIC.copy(fixed, 0);
  fixed.writeUInt8(FORMAT_VERSION, 4);
  fixed.writeUInt32BE(keys.segmentSize, 5);
  keys.noncePrefix.copy(fixed, 9);
  const wrapNonce = randomBytes(WRAP_NONCE_LENGTH);
  const wrap = createCipheriv(CIPHER, masterKey, wrapNonce);
  wrap.setAAD(Buffer.concat([fixed, Buffer.from(storageKey, 'utf8')]));
  const wrapped = Buffer.concat([wrap.update(keys.dataKey), wrap.final()]);
  return Buffer.concat([fixed, wrapNonce, wrapped, wrap.getAuthTag()]);
}

/** Checks and unwraps a header; a wrong master key and a flipped bit look the same here. */
export function openHeader(masterKey: Buffer, storageKey: string, header: Buffer): FileKeys {
  if (header.length !== HEADER_LENGTH || !header.subarray(0, 4).equals(MAGIC)) {
    throw new IntegrityFailure('not an encrypted report file (bad magic)');
  }
  const version = header.readUInt8(4);
  if (version !== FORMAT_VERSION) throw new IntegrityFailure(`unknown format version ${version}`);
  const segmentSize = header.readUInt32BE(5);
  if (segmentSize < MIN_SEGMENT_SIZE || segmentSize > MAX_SEGMENT_SIZE) {
    throw new IntegrityFailure(`implausible segment size ${segmentSize}`);
  }
  const fixed = header.subarray(0, AUTHENTICATED_HEADER_LENGTH);
  let offset = AUTHENTICATED_HEADER_LENGTH;
  const wrapNonce = header.subarray(offset, (offset += WRAP_NONCE_LENGTH));
  const wrapped = header.subarray(offset, (offset += KEY_LENGTH));
  const tag = header.subarray(offset, offset + TAG_LENGTH);
  try {
    const unwrap = createDecipheriv(CIPHER, masterKey, wrapNonce);
    unwrap.setAAD(Buffer.concat([fixed, Buffer.from(storageKey, 'utf8')]));
    unwrap.setAuthTag(tag);
    const dataKey = Buffer.concat([unwrap.update(wrapped), unwrap.final()]);
    return { dataKey, noncePrefix: Buffer.from(header.subarray(9, 17)), segmentSize };
  } catch {
    throw new IntegrityFailure('header did not authenticate (altered, or another master key)');
  }
}

function segmentNonce(keys: FileKeys, index: number): Buffer {
  const nonce = Buffer.alloc(NONCE_PREFIX_LENGTH + 4);
  keys.noncePrefix.copy(nonce, 0);
  nonce.writeUInt32BE(index, NONCE_PREFIX_LENGTH);
  return nonce;
}

/** Ciphertext + tag of one segment. */
export function sealSegment(keys: FileKeys, index: number, plain: Buffer, final: boolean): Buffer {
  if (index >= MAX_SEGMENTS) throw new RangeError('file too large for the segment counter');
  const cipher = createCipheriv(CIPHER, keys.dataKey, segmentNonce(keys, index));
  cipher.setAAD(final ? FINAL : NOT_FINAL);
  return Buffer.concat([cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
}

/** Plaintext of one segment, returned only once its tag has been verified. */
export function openSegment(keys: FileKeys, index: number, sealed: Buffer, final: boolean): Buffer {
  if (index >= MAX_SEGMENTS || sealed.length < TAG_LENGTH) {
    throw new IntegrityFailure(`segment ${index} is malformed`);
  }
  const cut = sealed.length - TAG_LENGTH;
  try {
    const decipher = createDecipheriv(CIPHER, keys.dataKey, segmentNonce(keys, index));
    decipher.setAAD(final ? FINAL : NOT_FINAL);
    decipher.setAuthTag(sealed.subarray(cut));
    const plain = decipher.update(sealed.subarray(0, cut));
    decipher.final();
    return plain;
  } catch {
    throw new IntegrityFailure(
      final
        ? `last segment ${index} did not authenticate (altered or truncated)`
        : `segment ${index} did not authenticate`,
    );
  }
}

/** Plaintext size of a stored file of `storedSize` bytes; throws when no valid file has that size. */
export function plaintextSize(storedSize: number, segmentSize: number): number {
  const body = storedSize - HEADER_LENGTH;
  if (body < TAG_LENGTH) throw new IntegrityFailure(`stored size ${storedSize} is too small`);
  const sealedSegment = segmentSize + TAG_LENGTH;
  const segments = Math.ceil(body / sealedSegment);
  if (body - (segments - 1) * sealedSegment < TAG_LENGTH) {
    throw new IntegrityFailure(`stored size ${storedSize} does not fit the segment layout`);
  }
  return body - segments * TAG_LENGTH;
}
