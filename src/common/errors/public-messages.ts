/**
 * What clients are told when the details are not theirs to know; the details go to the log under
 * the request id.
 */
export const UNAUTHENTICATED_MESSAGE = 'Missing, invalid or expired bearer token';

export function serverErrorMessage(status: number, requestId: string): string {
  return status === 503
    ? `Temporarily unavailable; try again later, or quote request id ${requestId}`
    : `Internal error; quote request id ${requestId}`;
}
