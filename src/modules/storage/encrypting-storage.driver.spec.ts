import { createHash, randomBytes } from 'node:crypto';
import { copyFile, mkdtemp, readdir, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { EncryptingStorageDriver } from './encrypting-storage.driver';
import { HEADER_LENGTH, TAG_LENGTH } from './encrypted-file-format';
import { LocalStorageDriver } from './local-storage.driver';
import { StorageIntegrityError, StorageObjectNotFoundError } from './storage.errors';

const KEY = 'org/0b6c3d36-5f0e-4a53-9a4e-2f1f3c0d8a11/executions/7d9e2c1a.csv';
const SEGMENT = 64 * 1024;
const SEALED = SEGMENT + TAG_LENGTH;

/** Splits `data` into uneven chunks so segment boundaries fall inside chunks. */
function chunked(data: Buffer): Readable {
  const chunks: Buffer[] = [];
  for (let at = 0, step = 1; at < data.length; at += step, step = (step * 7 + 13) % 90_001) {
    chunks.push(data.subarray(at, at + step));
  }
  return Readable.from(chunks);
}

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

/** Reads a stream to its end or first error, keeping what arrived before the error. */
async function drain(stream: Readable): Promise<{ data: Buffer; error?: unknown }> {
  const chunks: Buffer[] = [];
  try {
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    return { data: Buffer.concat(chunks) };
  } catch (error) {
    return { data: Buffer.concat(chunks), error };
  }
}

describe('EncryptingStorageDriver over the local driver', () => {
  const masterKey = randomBytes(32);
  let root: string;
  let driver: EncryptingStorageDriver;
  const fileOf = (key: string) => path.join(root, key);

  beforeEach(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'encrypted-storage-'));
    driver = new EncryptingStorageDriver(new LocalStorageDriver(root), masterKey);
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  it.each([
    ['empty', 0, 1],
    ['1 byte', 1, 1],
    ['exactly one segment', SEGMENT, 1],
    ['one segment and a byte', SEGMENT + 1, 2],
    ['many segments', 20 * SEGMENT + 12_345, 21],
    ['many whole segments', 8 * SEGMENT, 8],
  ])('round-trips %s (%i bytes in %i segments)', async (_name, length, segments) => {
    const plain = randomBytes(length);
    const stored = await driver.put(KEY, chunked(plain), { contentType: 'text/csv' });
    expect(stored).toEqual({ key: KEY, size: length, sha256: sha256(plain) });

    const onDisk = await readFile(fileOf(KEY));
    expect(onDisk.length).toBe(HEADER_LENGTH + length + segments * TAG_LENGTH);
    expect(onDisk.subarray(0, 4).toString('ascii')).toBe('SRE1');

    const { stream, size } = await driver.get(KEY);
    expect(size).toBe(length);
    expect((await buffer(stream)).equals(plain)).toBe(true);
  });

  it('round-trips with a small segment size and 1-byte chunks', async () => {
    const small = new EncryptingStorageDriver(new LocalStorageDriver(root), masterKey, {
      segmentSize: 100,
    });
    const plain = randomBytes(1_234);
    await small.put(KEY, Readable.from([...plain].map((byte) => Buffer.from([byte]))));
    const { stream, size } = await small.get(KEY);
    expect(size).toBe(1_234);
    expect((await buffer(stream)).equals(plain)).toBe(true);
  });

  it('stores no plaintext and a fresh data key each time', async () => {
    const plain = Buffer.from('customer_id,amount\nACME Corp,1200.00\n'.repeat(5_000));
    await driver.put(KEY, chunked(plain));
    const first = await readFile(fileOf(KEY));
    expect(first.includes('ACME Corp')).toBe(false);
    expect(first.includes(plain.subarray(0, 16))).toBe(false);
    await driver.put(KEY, chunked(plain));
    const second = await readFile(fileOf(KEY));
    expect(second.subarray(HEADER_LENGTH).equals(first.subarray(HEADER_LENGTH))).toBe(false);
  });

  describe('tampering', () => {
    const plain = randomBytes(5 * SEGMENT + 999); // 6 segments
    let stored: Buffer;

    beforeEach(async () => {
      await driver.put(KEY, chunked(plain));
      stored = await readFile(fileOf(KEY));
    });

    const flip = (offset: number) => {
      const copy = Buffer.from(stored);
      copy[offset] ^= 0x01;
      return writeFile(fileOf(KEY), copy);
    };

    it.each([
      ['magic', 0],
      ['version', 4],
      ['segment size', 7],
      ['nonce prefix', 12],
      ['wrapped key', 40],
      ['wrap tag', HEADER_LENGTH - 1],
    ])('refuses a flipped byte in the header (%s) before streaming', async (_field, offset) => {
      await flip(offset);
      await expect(driver.get(KEY)).rejects.toBeInstanceOf(StorageIntegrityError);
    });

    it('stops at a flipped byte in a middle segment without emitting that segment', async () => {
      await flip(HEADER_LENGTH + 3 * SEALED + 500); // inside segment 3
      const { stream } = await driver.get(KEY);
      const { data, error } = await drain(stream);
      expect(error).toBeInstanceOf(StorageIntegrityError);
      expect(error).toMatchObject({
        message: 'the stored report file failed its integrity check',
        reason: 'segment 3 did not authenticate',
        key: KEY,
      });
      expect(data.length).toBeLessThanOrEqual(3 * SEGMENT);
      expect(data.equals(plain.subarray(0, data.length))).toBe(true);
    });

    it('fails on a flipped byte in the last tag', async () => {
      await flip(stored.length - 1);
      const { stream } = await driver.get(KEY);
      const { data, error } = await drain(stream);
      expect(error).toBeInstanceOf(StorageIntegrityError);
      expect(data.length).toBeLessThanOrEqual(5 * SEGMENT);
    });

    it('detects a file cut at a segment boundary (final segment dropped)', async () => {
      await truncate(fileOf(KEY), stored.length - (999 + TAG_LENGTH));
      const { stream, size } = await driver.get(KEY);
      expect(size).toBe(5 * SEGMENT); // the layout alone looks valid
      const { data, error } = await drain(stream);
      expect(error).toBeInstanceOf(StorageIntegrityError);
      expect((error as StorageIntegrityError).reason).toMatch(/^last segment 4 did not/);
      expect(data.length).toBe(4 * SEGMENT);
    });

    it('detects a file cut inside a segment', async () => {
      await truncate(fileOf(KEY), HEADER_LENGTH + 2 * SEALED + 7);
      await expect(driver.get(KEY)).rejects.toBeInstanceOf(StorageIntegrityError);
      await truncate(fileOf(KEY), HEADER_LENGTH + 2 * SEALED + 700);
      const { error } = await drain((await driver.get(KEY)).stream);
      expect(error).toBeInstanceOf(StorageIntegrityError);
    });

    it('detects a file cut inside the header, and an empty file', async () => {
      await truncate(fileOf(KEY), 30);
      await expect(driver.get(KEY)).rejects.toBeInstanceOf(StorageIntegrityError);
      await truncate(fileOf(KEY), 0);
      await expect(driver.get(KEY)).rejects.toBeInstanceOf(StorageIntegrityError);
    });

    it('detects bytes appended after the final segment', async () => {
      await writeFile(fileOf(KEY), Buffer.concat([stored, stored.subarray(-SEALED)]));
      const { error } = await drain((await driver.get(KEY)).stream);
      expect(error).toBeInstanceOf(StorageIntegrityError);
    });

    it('detects two segments swapped', async () => {
      const copy = Buffer.from(stored);
      const at = (i: number) => HEADER_LENGTH + i * SEALED;
      stored.copy(copy, at(1), at(2), at(3));
      stored.copy(copy, at(2), at(1), at(2));
      await writeFile(fileOf(KEY), copy);
      const { data, error } = await drain((await driver.get(KEY)).stream);
      expect(error).toBeInstanceOf(StorageIntegrityError);
      expect(data.length).toBeLessThanOrEqual(SEGMENT);
    });

    it('refuses another master key', async () => {
      const other = new EncryptingStorageDriver(new LocalStorageDriver(root), randomBytes(32));
      await expect(other.get(KEY)).rejects.toMatchObject({
        name: 'StorageIntegrityError',
        reason: expect.stringContaining('header did not authenticate'),
      });
    });

    it('refuses a file copied over another key', async () => {
      const otherKey = 'org/ffffffff-5f0e-4a53-9a4e-2f1f3c0d8a11/executions/7d9e2c1a.csv';
      await driver.put(otherKey, Readable.from(['x']));
      await copyFile(fileOf(KEY), fileOf(otherKey));
      await expect(driver.get(otherKey)).rejects.toBeInstanceOf(StorageIntegrityError);
    });

    it('refuses a plaintext file', async () => {
      await writeFile(fileOf(KEY), plain);
      await expect(driver.get(KEY)).rejects.toBeInstanceOf(StorageIntegrityError);
    });
  });

  it('leaves nothing behind and reports the source error when the source fails midway', async () => {
    async function* failing() {
      yield randomBytes(3 * SEGMENT);
      await new Promise((resolve) => setTimeout(resolve, 5));
      throw new Error('database went away');
    }
    await expect(driver.put(KEY, Readable.from(failing()))).rejects.toThrow('database went away');
    expect(await readdir(path.dirname(fileOf(KEY)))).toEqual([]);
  });

  it('stops, cleans up and destroys the source when aborted', async () => {
    const controller = new AbortController();
    const endless = new Readable({
      read() {
        setTimeout(() => this.push(randomBytes(16_384)), 1);
      },
    });
    const put = driver.put(KEY, endless, { signal: controller.signal });
    setTimeout(() => controller.abort(), 30);
    await expect(put).rejects.toMatchObject({ name: 'AbortError' });
    expect(endless.destroyed).toBe(true);
    expect(await readdir(path.dirname(fileOf(KEY)))).toEqual([]);
  });

  it('passes delete, exists and not-found through', async () => {
    await expect(driver.get(KEY)).rejects.toBeInstanceOf(StorageObjectNotFoundError);
    await driver.put(KEY, Readable.from(['x']));
    expect(await driver.exists(KEY)).toBe(true);
    await driver.delete(KEY);
    await driver.delete(KEY);
    expect(await driver.exists(KEY)).toBe(false);
  });

  it('refuses a master key that is not 32 bytes', () => {
    expect(
      () => new EncryptingStorageDriver(new LocalStorageDriver(root), randomBytes(16)),
    ).toThrow(RangeError);
  });
});
