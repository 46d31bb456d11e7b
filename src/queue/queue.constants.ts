/** Queue and job names: one place, kebab-case. */
export const GENERATION_QUEUE = 'report-generation';
export const DELIVERY_QUEUE = 'report-delivery';

export const GENERATE_JOB = 'generate-report';
export const DELIVER_JOB = 'deliver-report';
export const NOTICE_JOB = 'send-notice';

/** Bull runs lower numbers first: run-now jumps ahead of scheduled work. */
export const PRIORITY = { manual: 1, scheduled: 5 } as const;

/** Delivery retries back off exponentially, but never sooner than a peer's Retry-After. */
export const RETRY_AFTER_BACKOFF = 'retry-after-or-exponential';

/**
 * Generation retries: a job handed back or waiting on a live attempt goes back after the delay
 * it names; a failed one backs off exponentially over the attempts it really used.
 */
export const GENERATION_BACKOFF = 'generation';

/** Payloads carry ids only, never entities or rendered content. */
export interface GenerateReportJob {
  executionId: string;
  orgId: string;
  /** Tries that gave the job back without using an attempt (see AttemptReturnedError). */
  returned?: number;
}

export interface DeliverReportJob {
  deliveryId: string;
  orgId: string;
}

export interface SendNoticeJob {
  noticeId: string;
  orgId: string;
}
