/** Stable error codes returned as `code` in every error body; clients may switch on them. */
export const ErrorCode = {
  /** Request body, query or path failed validation. */
  VALIDATION_FAILED: 'VALIDATION_FAILED',
  /** Missing, malformed, expired or untrusted bearer token. */
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  /** Authenticated, but the role or data permission does not allow this. */
  FORBIDDEN: 'FORBIDDEN',
  /** No such schedule in the caller's organization. */
  SCHEDULE_NOT_FOUND: 'SCHEDULE_NOT_FOUND',
  /** No such execution in the caller's organization. */
  EXECUTION_NOT_FOUND: 'EXECUTION_NOT_FOUND',
  /** No such delivery in that execution of the caller's organization. */
  DELIVERY_NOT_FOUND: 'DELIVERY_NOT_FOUND',
  /** No such route or resource. */
  NOT_FOUND: 'NOT_FOUND',
  /** The request body is larger than the limit (256 KiB). */
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  /** The body's charset or Content-Encoding is not one the API reads (JSON is UTF-8 only). */
  UNSUPPORTED_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  /** The resource is in a state that does not allow this. */
  STATE_CONFLICT: 'STATE_CONFLICT',
  /** The organization's active-schedule quota is used up. */
  QUOTA_EXCEEDED: 'QUOTA_EXCEEDED',
  /** A rate limit was hit; see Retry-After. */
  RATE_LIMITED: 'RATE_LIMITED',
  /** The file behind a link or execution is gone (retention, deletion). */
  GONE: 'GONE',
  /** A dependency (database, Redis) is unavailable. */
  UNAVAILABLE: 'UNAVAILABLE',
  /** Anything unexpected; details are logged under the request id. */
  INTERNAL: 'INTERNAL',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];
