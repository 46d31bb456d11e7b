import { ValidationFailedError } from 'src/common/errors/domain-error';

/** Where a page ended: the last entry's time (microseconds, as stored) and id. */
export interface AuditPosition {
  /** `2026-11-28T09:00:00.123456Z`: JavaScript dates keep milliseconds only, too coarse here. */
  createdAt: string;
  id: string;
}

const VERSION = 'v1';
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Opaque to clients, so the position's form may change without changing the API. */
export function encodeAuditCursor(position: AuditPosition): string {
  return Buffer.from(JSON.stringify([VERSION, position.createdAt, position.id])).toString(
    'base64url',
  );
}

/**
 * A cursor only moves the position inside the caller's own organization and filters, so it needs
 * no signature; anything but a well-formed one is a 400.
 */
export function decodeAuditCursor(cursor: string): AuditPosition {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    parsed = null;
  }
  if (
    !Array.isArray(parsed) ||
    parsed.length !== 3 ||
    parsed[0] !== VERSION ||
    typeof parsed[1] !== 'string' ||
    !INSTANT.test(parsed[1]) ||
    Number.isNaN(Date.parse(parsed[1])) ||
    typeof parsed[2] !== 'string' ||
    !UUID.test(parsed[2])
  ) {
    throw new ValidationFailedError('cursor is not one this endpoint returned as next_cursor');
  }
  return { createdAt: parsed[1], id: parsed[2].toLowerCase() };
}
