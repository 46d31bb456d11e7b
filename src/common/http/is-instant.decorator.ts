import { Matches } from 'class-validator';

const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/** An ISO-8601 instant with an explicit zone (Z or ±HH:MM), so the server's zone never matters. */
export function IsInstant() {
  return Matches(INSTANT, {
    message: ({ property }) =>
      `${property} must be an ISO-8601 instant with a zone, e.g. 2026-03-08T07:00:00Z`,
  });
}
