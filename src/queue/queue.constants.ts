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

/** Payloads carry ids only, never entities or rendered content. */
export interface GenerateReportJob {
  executionId: string;
  orgId: string;
}

export interface DeliverReportJob {
  deliveryId: string;
  orgId: string;
}

export interface SendNoticeJob {
  noticeId: string;
  orgId: string;
}
