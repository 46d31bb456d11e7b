import { Actor, hasRole } from 'src/common/auth/actor';
import { maskUrl } from 'src/common/net/mask-url';
import { ReportDeliveryDto } from './dto/report-delivery.dto';
import { ReportDelivery } from './entities/report-delivery.entity';

/**
 * A delivery as the API shows it. What went wrong with a delivery is written by and for the
 * operators: receiver bodies, internal host names and addresses, redirect targets, SMTP replies,
 * and webhook URLs, which often carry a secret in their path or query. Admins see all of it;
 * anyone else sees the webhook's scheme and host and messages with those details masked.
 */
export function toReportDeliveryDto(
  d: ReportDelivery,
  viewer: Pick<Actor, 'roles'>,
): ReportDeliveryDto {
  const full = hasRole(viewer, 'admin');
  return {
    id: d.id,
    report_execution_id: d.report_execution_id,
    recipient_type: d.recipient_type,
    recipient_value:
      full || d.recipient_type !== 'webhook' ? d.recipient_value : maskUrl(d.recipient_value),
    status: d.status,
    attempts: d.attempts,
    delivered_at: d.delivered_at?.toISOString() ?? null,
    error_message: full || d.error_message === null ? d.error_message : redactText(d.error_message),
    metadata: full ? d.metadata : redactMetadata(d.metadata),
  };
}

const URL_IN_TEXT = /\b[a-z][a-z0-9+.-]*:\/\/[^\s<>"']+/gi;
/** What a receiver answered after its status (`HTTP 500: <body>`), up to the text we add after it. */
const BODY_AFTER_STATUS = /(HTTP \d{3}): .*?(?=; not retried|$)/g;
const IPV4 = /\b(?:\d{1,3}\.){3}\d{1,3}(?::\d{1,5})?\b/g;
/** Two or more groups with colons, as IPv6 is written (also `::1`, `fe80::1%eth0`, `[…]:443`). */
const IPV6 = /\[?\b(?:[0-9a-f]{0,4}:){2,7}[0-9a-f]{0,4}(?:%[\w.-]+)?\b\]?(?::\d{1,5})?/gi;
/**
 * Host names (`db.internal.corp`, `mx1.acme.example:25`): dotted labels ending in letters.
 * Slack method names (`chat.postMessage`) are the API's vocabulary, not hosts, and are kept.
 */
const HOSTNAME =
  /(?<!Slack )\b(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z][a-z0-9-]*[a-z](?::\d{1,5})?\b/gi;

/** A failure message with receiver bodies, URLs, addresses and host names masked. */
export function redactText(text: string): string {
  return text
    .replace(BODY_AFTER_STATUS, '$1 (response body hidden)')
    .replace(URL_IN_TEXT, (url) => {
      // Sentence punctuation after a URL is not part of it.
      const trailing = /[.,;:)\]]+$/.exec(url)?.[0] ?? '';
      return `${url.slice(0, url.indexOf('://'))}://[host]/…${trailing}`;
    })
    .replace(IPV6, (match) => (isIpv6Like(match) ? '[address]' : match))
    .replace(IPV4, '[address]')
    .replace(HOSTNAME, '[host]');
}

/** Compressed IPv6 always has `::`, the full form seven colons; `10:00:00` is a time. */
function isIpv6Like(match: string): boolean {
  return match.includes('::') || match.split(':').length >= 8;
}

/** Keys whose values are the API's own (ids, counts, flags, skip reasons); others are masked. */
const SAFE_METADATA = new Set([
  'reason',
  'attached',
  'uploaded',
  'http_status',
  'message_id',
  'slack_channel_id',
  'file_id',
  'ts',
  'resent_at',
]);

function redactMetadata(metadata: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(metadata).map(([key, value]) => [
      key,
      SAFE_METADATA.has(key) ? value : redactValue(value),
    ]),
  );
}

function redactValue(value: unknown): unknown {
  if (typeof value === 'string') return redactText(value);
  if (Array.isArray(value)) return value.map(redactValue);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactValue(v)]));
  }
  return value;
}
