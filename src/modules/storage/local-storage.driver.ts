import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { FileHandle, mkdir, open, readdir, rename, rm, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DigestTransform } from './digest.transform';
import { PutOptions, StorageDriver, StoredFile } from './storage-driver';
import { assertValidStorageKey } from './storage-key';
import { StorageObjectNotFoundError } from './storage.errors';

const MISSING = new Set(['ENOENT', 'ENOTDIR']);

/**
 * Files under a root folder. A put streams into a temp file beside the target, fsyncs it and
 * renames it over the final name: rename is atomic on one filesystem, so readers see the old
 * file or the new one, never half of one.
 */
export class LocalStorageDriver implements StorageDriver {
  constructor(private readonly root: string) {}

  async put(key: string, body: Readable, options: PutOptions = {}): Promise<StoredFile> {
    let target: string;
    try {
      target = this.pathOf(key);
      options.signal?.throwIfAborted();
      await mkdir(path.dirname(target), { recursive: true });
    } catch (error) {
      body.destroy();
      throw error;
    }
    const folder = path.dirname(target);
    const temp = path.join(
      folder,
      `.${path.basename(target)}.${randomBytes(8).toString('hex')}.tmp`,
    );
    const digest = new DigestTransform();
    try {
      // `wx`: never reuse a stray file; `flush`: fsync before close, so the rename below
      // cannot expose a file whose bytes are not on disk yet.
      const out = createWriteStream(temp, { flags: 'wx', flush: true });
      await pipeline(body, digest, out, { signal: options.signal });
      await rename(temp, target);
    } catch (error) {
      body.destroy();
      await rm(temp, { force: true });
      throw error;
    }
    await removeLeftovers(folder, path.basename(target));
    await syncFolder(folder);
    return { key, size: digest.byteCount, sha256: digest.sha256 };
  }

  async get(key: string): Promise<{ stream: Readable; size: number }> {
    const file = this.pathOf(key);
    let handle: FileHandle;
    try {
      handle = await open(file, 'r');
    } catch (error) {
      if (MISSING.has((error as NodeJS.ErrnoException).code ?? '')) {
        throw new StorageObjectNotFoundError(key);
      }
      throw error;
    }
    // Size from the open handle, not the path: a concurrent overwrite renames a new inode in,
    // and this reader keeps reading the file it measured.
    const info = await handle.stat().catch(async (error: unknown) => {
      await handle.close();
      throw error;
    });
    if (!info.isFile()) {
      await handle.close();
      throw new StorageObjectNotFoundError(key);
    }
    return { stream: handle.createReadStream(), size: info.size };
  }

  /** Also removes what a put of this key killed mid-write left (its temp files). */
  async delete(key: string): Promise<void> {
    const file = this.pathOf(key);
    const ignoreMissing = (error: NodeJS.ErrnoException) => {
      if (!MISSING.has(error.code ?? '')) throw error;
    };
    await unlink(file).catch(ignoreMissing);
    await removeLeftovers(path.dirname(file), path.basename(file)).catch(ignoreMissing);
  }

  async exists(key: string): Promise<boolean> {
    try {
      return (await stat(this.pathOf(key))).isFile();
    } catch (error) {
      if (MISSING.has((error as NodeJS.ErrnoException).code ?? '')) return false;
      throw error;
    }
  }

  private pathOf(key: string): string {
    assertValidStorageKey(key);
    return path.join(this.root, ...key.split('/'));
  }
}

/**
 * Temp files of earlier attempts at this key whose process died mid-write (SIGKILL, OOM), so a
 * retried job leaves one file. A stale attempt still writing loses its temp file and fails its
 * rename, which is right: the newer attempt's file stands.
 */
async function removeLeftovers(folder: string, name: string): Promise<void> {
  const prefix = `.${name}.`;
  const siblings = await readdir(folder);
  await Promise.all(
    siblings
      .filter((sibling) => sibling.startsWith(prefix) && sibling.endsWith('.tmp'))
      .map((sibling) => rm(path.join(folder, sibling), { force: true })),
  );
}

/** Persists the rename itself; best effort where a filesystem cannot fsync a folder. */
async function syncFolder(folder: string): Promise<void> {
  const handle = await open(folder, 'r').catch(() => undefined);
  if (!handle) return;
  await handle.sync().catch(() => undefined);
  await handle.close();
}
