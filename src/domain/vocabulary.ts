/**
 * The service's fixed lists, each spelled once. DTO enums, Swagger, entity check constraints,
 * metrics labels and token purposes derive from these arrays; `vocabulary.int-spec.ts` fails when
 * a list and its database check constraint disagree. Adding a value here needs a migration that
 * widens the constraint (see docs/extending.md).
 */

/** Member roles, weakest first: admin ⊃ editor ⊃ viewer. */
export const ROLES = ['viewer', 'editor', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** Who a report goes to; each type has one recipient rule and one delivery channel. */
export const RECIPIENT_TYPES = ['email', 'user_id', 'slack_channel', 'webhook'] as const;
export type RecipientType = (typeof RECIPIENT_TYPES)[number];

/** File formats a report is written in; each has one writer. */
export const OUTPUT_FORMATS = ['csv', 'xlsx', 'pdf'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/** How a stored file is served, by its last extension (`compress` adds `.gz`). */
export const CONTENT_TYPES = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  pdf: 'application/pdf',
  gz: 'application/gzip',
} as const satisfies Record<OutputFormat | 'gz', string>;

export const SCHEDULE_STATUSES = ['active', 'paused'] as const;
export type ScheduleStatus = (typeof SCHEDULE_STATUSES)[number];

/**
 * Who paused a paused schedule: a member (the API's pause), or the service itself (failed runs
 * in a row, access revoked at run time, its creator deactivated), which then says why.
 */
export const PAUSERS = ['user', 'system'] as const;
export type Pauser = (typeof PAUSERS)[number];

export const CADENCES = ['daily', 'weekly', 'monthly', 'cron'] as const;
export type Cadence = (typeof CADENCES)[number];

/** Why a run is not where a naive reading of its schedule would put it. */
export const RUN_NOTE_CODES = [
  'dst_gap',
  'dst_overlap',
  'month_end',
  'business_roll',
  'holiday_roll',
  'cron_skips_month',
] as const;
export type RunNoteCode = (typeof RUN_NOTE_CODES)[number];

/** `schedule`: a slot of the schedule; `manual`: run now (or a re-run `as_of` a past slot). */
export const EXECUTION_TRIGGERS = ['schedule', 'manual'] as const;
export type ExecutionTrigger = (typeof EXECUTION_TRIGGERS)[number];

/**
 * What a slot does while its schedule's previous scheduled run is still pending or running:
 * `queue` runs it after (every slot runs), `coalesce` skips it (audited `schedule.slot_coalesced`).
 */
export const OVERLAP_POLICIES = ['coalesce', 'queue'] as const;
export type OverlapPolicy = (typeof OVERLAP_POLICIES)[number];

export const EXECUTION_STATUSES = ['pending', 'running', 'completed', 'failed'] as const;
export type ExecutionStatus = (typeof EXECUTION_STATUSES)[number];

/**
 * `unknown`: the last send went out and no answer came back (a timeout, a dropped connection), so
 * the peer may have it; it is sent again under the same Message-ID / X-Event-Id once its lease
 * lapses, and ends like any other delivery.
 */
export const DELIVERY_STATUSES = [
  'pending',
  'sent',
  'failed',
  'bounced',
  'skipped',
  'unknown',
] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/**
 * Emails about a failure: to a schedule's creator, except `access_revoked` (its creator or a
 * recipient no longer qualifies, so the schedule was paused), which goes to the org's admins.
 */
export const NOTICE_KINDS = [
  'execution_failed',
  'delivery_failed',
  'schedule_paused',
  'access_revoked',
] as const;
export type NoticeKind = (typeof NOTICE_KINDS)[number];

export const NOTICE_STATUSES = ['pending', 'sent', 'failed', 'skipped'] as const;
export type NoticeStatus = (typeof NOTICE_STATUSES)[number];

/** Facts one module publishes (through the outbox) and others subscribe to. */
export const DOMAIN_EVENT_TYPES = [
  'execution.completed',
  'execution.failed',
  'member.deactivated',
] as const;
export type DomainEventType = (typeof DOMAIN_EVENT_TYPES)[number];

/**
 * What a signed token is for; the MAC covers the purpose, so a token minted for one use is never
 * accepted for another. The `:v1` suffix versions the payload.
 */
export const TOKEN_PURPOSES = {
  downloadLink: 'download-link:v1',
  unsubscribe: 'unsubscribe:v1',
} as const;
export type TokenPurpose = (typeof TOKEN_PURPOSES)[keyof typeof TOKEN_PURPOSES];

/** The sample billing data the reports read (the host product's own lists). */
export const INVOICE_STATUSES = ['draft', 'open', 'paid', 'void', 'uncollectible'] as const;
export type InvoiceStatus = (typeof INVOICE_STATUSES)[number];

export const PAYMENT_METHODS = ['card', 'bank_transfer', 'ach', 'sepa'] as const;
