/** The peer may accept later (4xx SMTP, 5xx HTTP, timeouts, refused connections, 429). */
export class RetryableDeliveryError extends Error {
  constructor(
    message: string,
    /** The peer asked to wait this long (HTTP 429 Retry-After); the retry waits at least that. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'RetryableDeliveryError';
  }
}

/**
 * Trying again cannot help: `bounced` when the recipient's server refused the address (SMTP 5xx),
 * `failed` for anything else (Slack channel_not_found, webhook 4xx, blocked address).
 */
export class PermanentDeliveryError extends Error {
  constructor(
    message: string,
    readonly outcome: 'failed' | 'bounced' = 'failed',
  ) {
    super(message);
    this.name = 'PermanentDeliveryError';
  }
}

/**
 * The message went out and no answer came back (a timeout or a dropped connection after the
 * request was written): the peer may have accepted it. Recorded as `unknown` and sent again under
 * the same Message-ID / X-Event-Id once the lease lapses, never sooner.
 */
export class UnknownOutcomeError extends Error {
  constructor(
    message: string,
    /** The send itself, when it is still running (the SMTP backstop gave up waiting on it). */
    readonly inFlight?: Promise<unknown>,
  ) {
    super(message);
    this.name = 'UnknownOutcomeError';
  }
}
