import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { LocalStorageDriver } from './local-storage.driver';
import { InvalidStorageKeyError, StorageObjectNotFoundError } from './storage-driver';

describe('LocalStorageDriver', () => {
  let root: string;
  let driver: LocalStorageDriver;

  beforeEach(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'storage-spec-'));
    driver = new LocalStorageDriver(root);
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  it('streams a file in and out with its size and sha256', async () => {
    const chunks = Array.from({ length: 200 }, (_, i) => Buffer.alloc(16_384, i % 256));
    const whole = Buffer.concat(chunks);
    const stored = await driver.put('org/a/executions/x.csv', Readable.from(chunks));
    expect(stored).toEqual({
      key: 'org/a/executions/x.csv',
      size: whole.length,
      sha256: createHash('sha256').update(whole).digest('hex'),
    });
    const { stream, size } = await driver.get('org/a/executions/x.csv');
    expect(size).toBe(whole.length);
    const read: Buffer[] = [];
    for await (const chunk of stream) read.push(chunk as Buffer);
    expect(Buffer.concat(read).equals(whole)).toBe(true);
  });

  it('overwrites an existing key (a retry never leaves two files)', async () => {
    await driver.put('k/file.csv', Readable.from(['first']));
    await driver.put('k/file.csv', Readable.from(['second']));
    expect(await readdir(path.join(root, 'k'))).toEqual(['file.csv']);
    expect(await text((await driver.get('k/file.csv')).stream)).toBe('second');
  });

  it('sweeps temp files that a killed earlier attempt at the same key left', async () => {
    await driver.put('k/file.csv', Readable.from(['x']));
    const { writeFile } = await import('node:fs/promises');
    await writeFile(path.join(root, 'k', '.file.csv.dead0123beef.tmp'), 'partial');
    await driver.put('k/file.csv', Readable.from(['retried']));
    expect(await readdir(path.join(root, 'k'))).toEqual(['file.csv']);
  });

  it('leaves nothing behind when the source fails midway', async () => {
    async function* failing() {
      yield Buffer.from('partial');
      throw new Error('database went away');
    }
    await expect(driver.put('k/broken.csv', Readable.from(failing()))).rejects.toThrow(
      'database went away',
    );
    expect(await readdir(path.join(root, 'k'))).toEqual([]);
  });

  it('stops and cleans up when aborted', async () => {
    const controller = new AbortController();
    const endless = new Readable({
      read() {
        this.push(Buffer.alloc(1024));
      },
    });
    const put = driver.put('k/aborted.csv', endless, { signal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    await expect(put).rejects.toThrow();
    expect(await readdir(path.join(root, 'k'))).toEqual([]);
  });

  it('reports missing files and refuses keys that could escape the root', async () => {
    await expect(driver.get('nope.csv')).rejects.toBeInstanceOf(StorageObjectNotFoundError);
    for (const key of ['../etc/passwd', '/abs', 'a/../b', 'a\\b', 'a//b', '']) {
      await expect(driver.put(key, Readable.from(['x']))).rejects.toBeInstanceOf(
        InvalidStorageKeyError,
      );
    }
    await driver.delete('nope.csv');
    expect(await driver.exists('nope.csv')).toBe(false);
    await driver.put('yes.csv', Readable.from(['x']));
    expect(await driver.exists('yes.csv')).toBe(true);
    expect(await readFile(path.join(root, 'yes.csv'), 'utf8')).toBe('x');
  });
});
