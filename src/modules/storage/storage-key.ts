import { InvalidStorageKeyError } from './storage.errors';

const SEGMENT = /^[A-Za-z0-9_-][A-Za-z0-9._-]*$/;
const MAX_KEY_LENGTH = 1024; // S3's limit; also keeps file paths sane

/**
 * Accepts `seg/seg/file.ext` with `[A-Za-z0-9._-]` segments only. Refuses `..`, absolute paths,
 * backslashes, empty segments and segments starting with a dot: the last rule keeps keys from
 * naming hidden files or colliding with the local driver's `.<name>.<random>.tmp` files.
 */
export function assertValidStorageKey(key: string): void {
  if (!isValidStorageKey(key)) throw new InvalidStorageKeyError(key);
}

export function isValidStorageKey(key: string): boolean {
  return (
    typeof key === 'string' &&
    key.length > 0 &&
    key.length <= MAX_KEY_LENGTH &&
    !key.includes('..') &&
    key.split('/').every((segment) => SEGMENT.test(segment))
  );
}
