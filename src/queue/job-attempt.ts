import type { Job } from 'bull';

/** Which try of a job this is, counting Bull's retries: the last one gives up instead of throwing. */
export interface JobAttempt {
  /** 1 for the first try. */
  number: number;
  max: number;
}

export function attemptOf(job: Job): JobAttempt {
  return { number: job.attemptsMade + 1, max: job.opts.attempts ?? 1 };
}

/**
 * Bull counts every try; a generation job also counts in its data the tries it gave back,
 * which used no attempt. `max` is the configured number, not Bull's (which leaves room for those).
 */
export function generationAttemptOf(job: Job<{ returned?: number }>, max: number): JobAttempt {
  return { number: job.attemptsMade - (job.data?.returned ?? 0) + 1, max };
}

/** A generation job may give itself back this many times on top of its attempts. */
export const MAX_RETURNS = 100;

/** Whether another try follows when this one throws. */
export function retriesLeft(attempt: JobAttempt): boolean {
  return attempt.number < attempt.max;
}

/**
 * Thrown by a job that did no work and used no attempt: another live attempt holds its run, or
 * its worker is shutting down. The job goes back to the queue after `retryAfterMs`.
 */
export class AttemptReturnedError extends Error {
  constructor(
    message: string,
    readonly retryAfterMs: number,
  ) {
    super(message);
    this.name = 'AttemptReturnedError';
  }
}
