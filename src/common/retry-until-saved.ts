const FIRST_DELAY_MS = 100;
const MAX_DELAY_MS = 5_000;

/**
 * Calls `save` until it resolves, backing off from 100 ms to 5 s. For recording that a peer
 * accepted something (an email, a webhook, a Slack post): that fact must be neither lost nor
 * taken for a failed send, whatever the database does meanwhile. It keeps trying as long as the
 * process lives; a process that dies leaves the row to its lease, and the stable Message-ID /
 * X-Event-Id lets the receiver drop the resend.
 */
export async function retryUntilSaved<T>(
  save: () => Promise<T>,
  onError: (error: Error, attempt: number) => void,
): Promise<T> {
  for (let attempt = 1, delay = FIRST_DELAY_MS; ; attempt += 1) {
    try {
      return await save();
    } catch (error) {
      onError(error as Error, attempt);
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = Math.min(delay * 2, MAX_DELAY_MS);
    }
  }
}
