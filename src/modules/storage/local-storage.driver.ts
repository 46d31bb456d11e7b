import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  assertValidKey,
  StorageDriver,
  StorageObjectNotFoundError,
  StoredFile,
} from './storage-driver';

/**
 * Files under a root folder. A put streams into a temp file in the target's folder, fsyncs
 * it and renames it over the final name (atomic on one filesystem); any failure removes it.
 */
export class LocalStorageDriver implements StorageDriver {
  constructor(private readonly root: string) {}

  async put(
    key: string,
    body: Readable,
    options: { signal?: AbortSignal } = {},
  ): Promise<StoredFile> {
    const target = this.pathOf(key);
    await mkdir(path.dirname(target), { recursive: true });
    const temp = path.join(
      path.dirname(target),
      `.${path.basename(target)}.${randomBytes(6).toString('hex')}.tmp`,
    );
    const hash = createHash('sha256');
    let size = 0;
    const measure = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
        hash.update(bytes);
        size += bytes.length;
        done(null, bytes);
      },
    });
    try {
      await pipeline(body, measure, createWriteStream(temp, { flags: 'wx' }), {
        signal: options.signal,
      });
      const handle = await open(temp, 'r');
      try {
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temp, target);
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
    await this.removeLeftovers(target);
    return { key, size, sha256: hash.digest('hex') };
  }

  async get(key: string): Promise<{ stream: Readable; size: number }> {
    const file = this.pathOf(key);
    try {
      const { size } = await stat(file);
      return { stream: createReadStream(file), size };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT')
        throw new StorageObjectNotFoundError(key);
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    await rm(this.pathOf(key), { force: true });
  }

  async exists(key: string): Promise<boolean> {
    return stat(this.pathOf(key)).then(
      () => true,
      () => false,
    );
  }

  /** Temp files of earlier attempts at this key whose process died mid-write (SIGKILL, OOM). */
  private async removeLeftovers(target: string): Promise<void> {
    const prefix = `.${path.basename(target)}.`;
    const siblings = await readdir(path.dirname(target));
    await Promise.all(
      siblings
        .filter((name) => name.startsWith(prefix) && name.endsWith('.tmp'))
        .map((name) => rm(path.join(path.dirname(target), name), { force: true })),
    );
  }

  private pathOf(key: string): string {
    assertValidKey(key);
    return path.join(this.root, ...key.split('/'));
  }
}
