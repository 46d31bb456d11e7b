/** Queue and job names (HOUSE-STYLE 10): one place, kebab-case. */
export const GENERATION_QUEUE = 'report-generation';
export const DELIVERY_QUEUE = 'report-delivery';

export const GENERATE_JOB = 'generate-report';
export const DELIVER_JOB = 'deliver-report';

/** Bull runs lower numbers first: run-now jumps ahead of scheduled work. */
export const PRIORITY = { manual: 1, scheduled: 5 } as const;

/** Payloads carry ids only, never entities or rendered content. */
export interface GenerateReportJob {
  executionId: string;
  orgId: string;
}

export interface DeliverReportJob {
  deliveryId: string;
  orgId: string;
}
