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

/** Whether another try follows when this one throws. */
export function retriesLeft(attempt: JobAttempt): boolean {
  return attempt.number < attempt.max;
}
