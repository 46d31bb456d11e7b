import type { Readable } from 'node:stream';

/** What a put wrote: size and SHA-256 of the bytes as the caller gave them. */
export interface StoredFile {
  key: string;
  size: number;
  sha256: string;
}

/** Where report files live (local disk or S3). Keys look like `org/<uuid>/executions/<uuid>.csv`. */
export interface StorageDriver {
  /**
   * Streams `body` to `key` atomically: readers never see a partial object, and on any error
   * nothing is left behind. Overwrites an existing key, so a retried job never leaves two files.
   */
  put(
    key: string,
    body: Readable,
    options?: { contentType?: string; signal?: AbortSignal },
  ): Promise<StoredFile>;
  /** The stream and its size; throws StorageObjectNotFoundError when absent. */
  get(key: string): Promise<{ stream: Readable; size: number }>;
  /** Idempotent. */
  delete(key: string): Promise<void>;
  exists(key: string): Promise<boolean>;
}

export const STORAGE_DRIVER = Symbol('STORAGE_DRIVER');

const KEY = /^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/;

/** Refuses keys that could escape the root or confuse a store. */
export function assertValidKey(key: string): void {
  if (!KEY.test(key) || key.split('/').some((part) => part === '.' || part === '..')) {
    throw new InvalidStorageKeyError(key);
  }
}

export class StorageObjectNotFoundError extends Error {
  constructor(readonly key: string) {
    super(`no stored file at '${key}'`);
    this.name = 'StorageObjectNotFoundError';
  }
}

export class InvalidStorageKeyError extends Error {
  constructor(readonly key: string) {
    super(`'${key}' is not a valid storage key`);
    this.name = 'InvalidStorageKeyError';
  }
}
