import { ValidationFailedError } from 'src/common/errors/domain-error';
import { decodeAuditCursor, encodeAuditCursor } from './audit-cursor';

const position = {
  createdAt: '2026-11-28T09:00:00.123456Z',
  id: '7c9e6679-7425-40de-944b-e07fc1f90ae7',
};

describe('audit cursors', () => {
  it('round-trip a position with microseconds, as an opaque url-safe string', () => {
    const cursor = encodeAuditCursor(position);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(cursor).not.toContain(position.id);
    expect(decodeAuditCursor(cursor)).toEqual(position);
  });

  it.each([
    ['not base64 json', '!!!'],
    ['empty', ''],
    ['another version', Buffer.from(JSON.stringify(['v0', position.createdAt, position.id]))],
    ['milliseconds only', Buffer.from(JSON.stringify(['v1', '2026-11-28T09:00:00.123Z', 'x']))],
    ['not a uuid', Buffer.from(JSON.stringify(['v1', position.createdAt, "1' OR '1'='1"]))],
    ['an object', Buffer.from(JSON.stringify({ t: position.createdAt, i: position.id }))],
  ])('refuses %s with a 400', (_what, raw) => {
    const cursor = typeof raw === 'string' ? raw : raw.toString('base64url');
    expect(() => decodeAuditCursor(cursor)).toThrow(ValidationFailedError);
  });
});
