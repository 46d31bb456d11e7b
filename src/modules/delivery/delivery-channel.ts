import type { SummaryTotals } from 'src/modules/generators/pdf/period-totals';
import type { Readable } from 'node:stream';
import { RecipientType } from 'src/domain/vocabulary';

/** Everything a channel needs to say and send one report to one recipient. */
export interface DeliveryContext {
  /** The report_deliveries row id: stable across retries (Message-ID, X-Event-Id derive from it). */
  deliveryId: string;
  /** 1 for the first try of this job, counting Bull's retries. */
  attempt: number;
  recipient: {
    type: RecipientType;
    /** As the schedule names it: an address, a member's user id, a channel, a URL. */
    value: string;
    /** The address to mail, for `email` and `user_id` (a member's current address). */
    email?: string;
    /** The member's display name, for `user_id`. */
    name?: string;
    /** IANA zone times are shown in (the schedule's; members carry none). */
    timezone: string;
  };
  organization: {
    id: string;
    name: string;
    /** `brand_name`, else the organization's name. */
    brandName: string;
    attachmentLimitBytes: number;
    /** Decrypted Slack bot token, when the org configured the integration. */
    slackBotToken: string | null;
    /** Webhook signing secrets: the current one first, the previous one during its 24 h grace. */
    webhookSecrets: string[];
  };
  schedule: {
    id: string;
    name: string;
    reportType: string;
    outputFormat: string;
    timezone: string;
    createdBy: string;
  };
  execution: {
    id: string;
    trigger: 'schedule' | 'manual';
    scheduledFor: Date;
    completedAt: Date;
    dataAsOf: Date;
    rowsGenerated: number;
    fileSize: number;
    /** The name the file is downloaded and attached under, e.g. `Weekly_2026-11-02.csv`. */
    fileName: string;
    contentType: string;
    /** The date range the report covers, when its type has one (ISO dates, inclusive). */
    period: { from: string; to: string } | null;
    /** Totals by period summed while the report was written (PDF), else null. */
    summaryTotals: SummaryTotals | null;
    /** The execution as `GET /report-executions/:id` shows it (webhook body). */
    resource: Record<string, unknown>;
  };
  /** A signed, expiring download link (`/api/files/:token`). */
  downloadUrl: string;
  linkExpiresAt: Date;
  /** One-click unsubscribe link for this recipient and schedule, when the channel offers it. */
  unsubscribeUrl: string | null;
  /** Where the creator sees the run's history (API URL). */
  historyUrl: string;
  /** The stored file, decrypted; open once per use. */
  openFile(): Promise<Readable>;
  /** What earlier attempts of this delivery remembered (see `remember`). */
  memory: Record<string, unknown>;
  /** Keeps facts for later attempts (e.g. a resolved Slack channel id) in the delivery's metadata. */
  remember(facts: Record<string, unknown>): Promise<void>;
}

/** A successful send; `metadata` is merged into the delivery row (message id, Slack ts, ...). */
export interface DeliverySent {
  metadata?: Record<string, unknown>;
}

/**
 * One way of delivering, registered for its recipient types in `channels/delivery-channels.ts`:
 * render, then send. A channel resolves with `DeliverySent` once the peer accepted, throws
 * `RetryableDeliveryError` when trying again can help and `PermanentDeliveryError` when it
 * cannot. Any other error counts as retryable. It never reads the database: everything it needs
 * is in the context.
 */
export interface DeliveryChannel {
  /** Whether its messages carry a one-click unsubscribe link (mail does; a webhook cannot). */
  readonly offersUnsubscribe: boolean;
  /** Its messages are emails, counted against the organization's daily email budget. */
  readonly countsAsEmail?: boolean;
  send(context: DeliveryContext): Promise<DeliverySent>;
}

/** DI token for the channel of each recipient type (`Record<RecipientType, DeliveryChannel>`). */
export const DELIVERY_CHANNELS = Symbol('DELIVERY_CHANNELS');
