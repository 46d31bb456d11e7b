import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { FileHandle, mkdir, open, readdir, rename, rm, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DigestTransform } from './digest.transform';
import { ListedObject, PutOptions, StorageDriver, StoredFile } from './storage-driver';
import { assertValidStorageKey, isValidStorageKey } from './storage-key';
import { StorageFullError, StorageObjectNotFoundError } from './storage.errors';

const MISSING = new Set(['ENOENT', 'ENOTDIR']);
/** No space left on the device, or the user's quota is used up. */
const FULL = new Set(['ENOSPC', 'EDQUOT']);
/** `.<name>.<16 hex>.tmp`, as put names them. */
const TEMP_FILE = /^\..+\.[0-9a-f]{16}\.tmp$/;

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
      throw whenFull(key, error);
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
      // Removing a file needs no free space: a full disk keeps nothing half-written.
      await rm(temp, { force: true });
      throw whenFull(key, error);
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

  async *list(): AsyncIterable<ListedObject> {
    for await (const file of walk(this.root)) {
      const key = path.relative(this.root, file.path).split(path.sep).join('/');
      // Temp files start with a dot, which no key may: they are writes, not objects.
      if (isValidStorageKey(key)) yield { key, modifiedAt: file.modifiedAt };
    }
  }

  /** Temp files of puts whose process died before the rename (a later put of the same key also sweeps them). */
  async removeIncomplete(startedBefore: Date): Promise<number> {
    let removed = 0;
    for await (const file of walk(this.root)) {
      if (TEMP_FILE.test(path.basename(file.path)) && file.modifiedAt < startedBefore) {
        await rm(file.path, { force: true });
        removed += 1;
      }
    }
    return removed;
  }

  private pathOf(key: string): string {
    assertValidStorageKey(key);
    return path.join(this.root, ...key.split('/'));
  }
}

/** A write refused for want of space, said as such; any other error as it is. */
function whenFull(key: string, error: unknown): unknown {
  const code = (error as NodeJS.ErrnoException)?.code ?? '';
  return FULL.has(code) ? new StorageFullError(key, (error as Error).message) : error;
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

/** Every file under `root`, depth first; entries that vanish while walking are passed over. */
async function* walk(root: string): AsyncIterable<{ path: string; modifiedAt: Date }> {
  const entries = await readdir(root, { withFileTypes: true }).catch(
    (error: NodeJS.ErrnoException) => {
      if (MISSING.has(error.code ?? '')) return [];
      throw error;
    },
  );
  for (const entry of entries) {
    const full = path.join(root, entry.name);
    if (entry.isDirectory()) {
      yield* walk(full);
    } else if (entry.isFile()) {
      const info = await stat(full).catch(() => undefined);
      if (info) yield { path: full, modifiedAt: info.mtime };
    }
  }
}
