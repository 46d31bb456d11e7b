import type { Readable } from 'node:stream';

/** What a put wrote: size and SHA-256 (hex) of the plaintext bytes the caller gave. */
export interface StoredFile {
  key: string;
  size: number;
  sha256: string;
}

/** Options of a put. */
export interface PutOptions {
  /** MIME type recorded with the object where the store keeps one (S3). */
  contentType?: string;
  /** Aborting stops the write and leaves nothing behind. */
  signal?: AbortSignal;
}

/** An object as a listing sees it. */
export interface ListedObject {
  key: string;
  /** When it was last written. */
  modifiedAt: Date;
}

/**
 * Where report files live (local disk or S3, optionally encrypted at rest). Keys look like
 * `org/<uuid>/executions/<uuid>.csv`; a bad key throws InvalidStorageKeyError.
 */
export interface StorageDriver {
  /**
   * Streams `body` to `key` atomically: readers never see a partial object; on error nothing
   * is left behind. Overwrites an existing key. The driver owns `body`: it is read to the end, or destroyed when the put fails.
   */
  put(key: string, body: Readable, options?: PutOptions): Promise<StoredFile>;
  /** Plaintext stream and size; throws StorageObjectNotFoundError when absent. */
  get(key: string): Promise<{ stream: Readable; size: number }>;
  /** Idempotent; also drops what an unfinished put of the key left, where the store can tell. */
  delete(key: string): Promise<void>;
  exists(key: string): Promise<boolean>;
  /** Every complete object, in no particular order (writes in progress are not objects yet). */
  list(): AsyncIterable<ListedObject>;
  /**
   * Removes what writes begun before `startedBefore` left unfinished (a process killed mid-put:
   * the local driver's temp files, S3's multipart uploads); how many it removed.
   */
  removeIncomplete(startedBefore: Date): Promise<number>;
}

export const STORAGE_DRIVER = Symbol('STORAGE_DRIVER');
