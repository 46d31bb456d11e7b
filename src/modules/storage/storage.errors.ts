import { DomainError } from 'src/common/errors/domain-error';
import { ErrorCode } from 'src/common/errors/error-codes';

/**
 * No object at the key. Keys come from execution rows, so a missing object means retention or
 * a deletion removed it: GONE (410), as the API documents for downloads.
 */
export class StorageObjectNotFoundError extends DomainError {
  constructor(readonly key: string) {
    super(ErrorCode.GONE, 'the report file is no longer available');
  }
}

/** Stored bytes were altered, truncated or encrypted under another master key. */
export class StorageIntegrityError extends DomainError {
  constructor(
    readonly key: string,
    readonly reason: string,
  ) {
    // The reason goes to logs through `reason`; clients see only the verdict.
    super(ErrorCode.INTERNAL, 'the stored report file failed its integrity check');
  }
}

/** A key that could escape the storage root or that a store would read differently. */
export class InvalidStorageKeyError extends DomainError {
  constructor(readonly key: string) {
    super(ErrorCode.INTERNAL, `invalid storage key ${JSON.stringify(key)}`);
  }
}

/**
 * The store has no room left (ENOSPC, or a quota): the partial write was removed. Transient as
 * far as a run is concerned: it is retried, and fails with this reason once its attempts are
 * used up.
 */
export class StorageFullError extends DomainError {
  constructor(
    readonly key: string,
    readonly reason: string,
  ) {
    super(ErrorCode.UNAVAILABLE, `the report storage is full (${reason}); nothing was kept`);
  }
}
