import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { buffer, text } from 'node:stream/consumers';
import { LocalStorageDriver } from './local-storage.driver';
import { InvalidStorageKeyError, StorageObjectNotFoundError } from './storage.errors';

const ORG = 'org/0b6c3d36-5f0e-4a53-9a4e-2f1f3c0d8a11';
const FILE = '7d9e2c1a-4b8f-4e3a-9c6d-1a2b3c4d5e6f.csv';
const KEY = `${ORG}/executions/${FILE}`;

/** `total` bytes in uneven chunks, generated as read, with the SHA-256 of what was sent. */
function source(total: number): { stream: Readable; sha256: () => string } {
  const block = randomBytes(1 << 20);
  const hash = createHash('sha256');
  let sent = 0;
  const stream = new Readable({
    read() {
      if (sent >= total) return void this.push(null);
      const size = Math.min(total - sent, 40_000 + (sent % 50_000));
      const chunk = block.subarray(sent % 1000, (sent % 1000) + size);
      hash.update(chunk);
      sent += size;
      this.push(chunk);
    },
  });
  return { stream, sha256: () => hash.digest('hex') };
}

async function* failingAfter(bytes: number): AsyncGenerator<Buffer> {
  yield Buffer.alloc(bytes, 1);
  await new Promise((resolve) => setTimeout(resolve, 5));
  throw new Error('database went away');
}

describe('LocalStorageDriver', () => {
  let root: string;
  let driver: LocalStorageDriver;

  beforeEach(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'local-storage-'));
    driver = new LocalStorageDriver(root);
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  const folderOf = (key: string) => readdir(path.dirname(path.join(root, key)));

  it('streams a multi-MB file in and out with its size and sha256', async () => {
    const total = 12 * 1024 * 1024 + 7;
    const input = source(total);
    const stored = await driver.put(KEY, input.stream, { contentType: 'text/csv' });
    const sha256 = input.sha256();
    expect(stored).toEqual({ key: KEY, size: total, sha256 });

    const { stream, size } = await driver.get(KEY);
    expect(size).toBe(total);
    const read = await buffer(stream);
    expect(read.length).toBe(total);
    expect(createHash('sha256').update(read).digest('hex')).toBe(sha256);
    expect(await folderOf(KEY)).toEqual([FILE]);
  });

  it('stores an empty file', async () => {
    expect(await driver.put(KEY, Readable.from([]))).toEqual({
      key: KEY,
      size: 0,
      sha256: createHash('sha256').digest('hex'),
    });
    expect((await driver.get(KEY)).size).toBe(0);
  });

  it('overwrites an existing key, so a retry never leaves two files', async () => {
    await driver.put(KEY, Readable.from(['first version, longer']));
    await driver.put(KEY, Readable.from(['second']));
    expect(await folderOf(KEY)).toEqual([FILE]);
    expect(await text((await driver.get(KEY)).stream)).toBe('second');
  });

  it('sweeps temp files that a killed earlier attempt at the same key left', async () => {
    await driver.put(KEY, Readable.from(['x']));
    const folder = path.dirname(path.join(root, KEY));
    await writeFile(path.join(folder, `.${FILE}.dead0123beef.tmp`), 'partial');
    await writeFile(path.join(folder, '.other.csv.dead0123beef.tmp'), 'not ours');
    await driver.put(KEY, Readable.from(['retried']));
    expect((await readdir(folder)).sort()).toEqual(['.other.csv.dead0123beef.tmp', FILE]);
    expect(await text((await driver.get(KEY)).stream)).toBe('retried');
  });

  it('lets a reader that opened the old file finish it while a put replaces it', async () => {
    await driver.put(KEY, Readable.from([Buffer.alloc(300_000, 'a')]));
    const old = await driver.get(KEY);
    await driver.put(KEY, Readable.from(['new']));
    expect((await buffer(old.stream)).equals(Buffer.alloc(300_000, 'a'))).toBe(true);
    expect(await text((await driver.get(KEY)).stream)).toBe('new');
  });

  it('leaves no file and no temp file when the source fails midway', async () => {
    const put = driver.put(KEY, Readable.from(failingAfter(200_000)));
    await expect(put).rejects.toThrow('database went away');
    expect(await folderOf(KEY)).toEqual([]);
  });

  it('keeps the previous version when a replacing put fails', async () => {
    await driver.put(KEY, Readable.from(['good']));
    await expect(driver.put(KEY, Readable.from(failingAfter(10)))).rejects.toThrow();
    expect(await folderOf(KEY)).toEqual([FILE]);
    expect(await text((await driver.get(KEY)).stream)).toBe('good');
  });

  it('stops, cleans up and destroys the source when aborted', async () => {
    const controller = new AbortController();
    const endless = new Readable({
      read() {
        setTimeout(() => this.push(Buffer.alloc(16_384)), 1);
      },
    });
    const put = driver.put(KEY, endless, { signal: controller.signal });
    setTimeout(() => controller.abort(), 30);
    await expect(put).rejects.toMatchObject({ name: 'AbortError' });
    expect(endless.destroyed).toBe(true);
    expect(await folderOf(KEY)).toEqual([]);
  });

  it('refuses to start with an aborted signal', async () => {
    const body = Readable.from(['x']);
    await expect(driver.put(KEY, body, { signal: AbortSignal.abort() })).rejects.toMatchObject({
      name: 'AbortError',
    });
    expect(body.destroyed).toBe(true);
    expect(await driver.exists(KEY)).toBe(false);
  });

  it.each(
    [
      '../etc/passwd',
      'a/../b',
      'a/..',
      'a..b',
      '/abs/key.csv',
      'a\\b.csv',
      'a//b',
      'a/',
      '',
      '.hidden',
      'a/.x.csv.1234.tmp',
      'a/b c.csv',
      'a/ü.csv',
      'a/b.csv\0',
      'x'.repeat(1025),
    ].map((key) => [key.length > 40 ? `${key.length} characters` : JSON.stringify(key), key]),
  )('refuses the key %s', async (_label, key) => {
    const body = Readable.from(['x']);
    await expect(driver.put(key, body)).rejects.toBeInstanceOf(InvalidStorageKeyError);
    expect(body.destroyed).toBe(true);
    await expect(driver.get(key)).rejects.toBeInstanceOf(InvalidStorageKeyError);
    await expect(driver.delete(key)).rejects.toBeInstanceOf(InvalidStorageKeyError);
    await expect(driver.exists(key)).rejects.toBeInstanceOf(InvalidStorageKeyError);
    expect(await readdir(root)).toEqual([]);
  });

  it('reports a missing file, also when the key names a folder', async () => {
    await expect(driver.get('nope.csv')).rejects.toBeInstanceOf(StorageObjectNotFoundError);
    await driver.put(KEY, Readable.from(['x']));
    await expect(driver.get(ORG)).rejects.toBeInstanceOf(StorageObjectNotFoundError);
    await expect(driver.get(`${KEY}/below`)).rejects.toBeInstanceOf(StorageObjectNotFoundError);
    expect(await driver.exists(ORG)).toBe(false);
  });

  it('deletes idempotently', async () => {
    await driver.put(KEY, Readable.from(['x']));
    expect(await driver.exists(KEY)).toBe(true);
    expect(await readFile(path.join(root, KEY), 'utf8')).toBe('x');
    await driver.delete(KEY);
    await driver.delete(KEY);
    await driver.delete('never/was.csv');
    expect(await driver.exists(KEY)).toBe(false);
    await expect(driver.get(KEY)).rejects.toBeInstanceOf(StorageObjectNotFoundError);
  });

  it("deletes what a put of the key killed mid-write left, and nobody else's", async () => {
    const folder = path.join(root, ORG, 'executions');
    await driver.put(`${ORG}/executions/other.csv`, Readable.from(['kept']));
    await writeFile(path.join(folder, `.${FILE}.dead0123beef.tmp`), 'partial');
    await writeFile(path.join(folder, '.other.csv.dead0123beef.tmp'), 'not ours');

    await driver.delete(KEY);

    expect((await readdir(folder)).sort()).toEqual(['.other.csv.dead0123beef.tmp', 'other.csv']);
  });
});
