import { Injectable } from '@nestjs/common';
import {
  guardedRequest,
  OutboundBlockedError,
  OutboundTimeoutError,
  retryAfterMs,
  type GuardedResponse,
} from 'src/common/net/guarded-http';
import { AppConfigService } from 'src/config/app-config.service';
import type {
  DeliveryChannel,
  DeliveryContext,
  DeliverySent,
} from 'src/modules/delivery/delivery-channel';
import {
  PermanentDeliveryError,
  RetryableDeliveryError,
  UnknownOutcomeError,
} from 'src/modules/delivery/delivery.errors';
import { signWebhook } from 'src/modules/delivery/webhook-signature';

export const WEBHOOK_USER_AGENT = 'scheduled-reports-webhook/1';
/** Enough of a receiver's error page to tell a 404 from a 422 with a reason. */
const ERROR_SNIPPET_CHARS = 200;

/**
 * Webhook deliveries: a signed JSON POST through the SSRF-guarded client. The
 * event id is the delivery id, so a receiver can drop the duplicate a retry may cause. Only
 * answers a later attempt can change are retried: 5xx, 408, 429, network errors. A timeout or a
 * reset after the request went out leaves the outcome unknown (the receiver may have acted on it):
 * resent after the lease, under the same X-Event-Id.
 */
@Injectable()
export class WebhookChannel implements DeliveryChannel {
  readonly offersUnsubscribe = false;

  constructor(private readonly config: AppConfigService) {}

  async send(ctx: DeliveryContext): Promise<DeliverySent> {
    const secrets = ctx.organization.webhookSecrets;
    // Failed for good rather than sent unsigned (receivers could not tell it from a forgery) or
    // retried (no backoff makes an admin act); once the secret exists, the resend API serves it.
    if (secrets.length === 0) {
      throw new PermanentDeliveryError(
        'the organization has no webhook signing secret yet; an admin can create one with ' +
          'POST /api/admin/webhook-secret, then resend this delivery',
      );
    }
    const body = JSON.stringify(webhookBody(ctx));
    const { webhookTimeoutMs } = this.config.values.delivery;
    let response: GuardedResponse;
    try {
      response = await guardedRequest({
        method: 'POST',
        url: ctx.recipient.value,
        headers: {
          'Content-Type': 'application/json',
          'User-Agent': WEBHOOK_USER_AGENT,
          'X-Event-Id': ctx.deliveryId,
          // Signed per attempt: a fresh timestamp keeps a retry inside the receiver's tolerance.
          'X-Signature': signWebhook(body, secrets, Math.floor(Date.now() / 1000)),
        },
        body,
        timeoutMs: webhookTimeoutMs,
        allowHosts: this.config.values.outboundAllowHosts,
      });
    } catch (error) {
      throw requestError(error, webhookTimeoutMs);
    }
    return outcome(response);
  }
}

/** The documented body: `{ event, execution, report, download_url }`. */
export function webhookBody(ctx: DeliveryContext): Record<string, unknown> {
  return {
    event: 'report.completed',
    execution: ctx.execution.resource,
    report: {
      id: ctx.schedule.id,
      name: ctx.schedule.name,
      report_type: ctx.schedule.reportType,
      output_format: ctx.schedule.outputFormat,
    },
    download_url: ctx.downloadUrl,
  };
}

function outcome(response: GuardedResponse): DeliverySent {
  const { status } = response;
  if (status >= 200 && status < 300) return { metadata: { http_status: status } };
  if (status >= 500 || status === 408 || status === 429) {
    throw new RetryableDeliveryError(
      `webhook receiver answered HTTP ${status}${snippet(response)}`,
      retryAfterMs(response.headers),
    );
  }
  if (status >= 300 && status < 400) {
    // Following would let a public URL bounce the request to an internal one.
    const location = response.headers.location;
    throw new PermanentDeliveryError(
      `webhook receiver answered HTTP ${status}` +
        (location ? ` redirecting to ${location}` : '') +
        '; redirects are not followed, so point the schedule at the final URL',
    );
  }
  if (status >= 400 && status < 500) {
    throw new PermanentDeliveryError(
      `webhook receiver refused the delivery with HTTP ${status}${snippet(response)}; ` +
        'not retried, fix the endpoint and resend',
    );
  }
  throw new RetryableDeliveryError(`webhook receiver answered an unexpected HTTP ${status}`);
}

function requestError(error: unknown, timeoutMs: number): Error {
  if (error instanceof OutboundBlockedError) {
    return new PermanentDeliveryError(
      `webhook target ${error.reason} (only hosts in OUTBOUND_ALLOW_HOSTS are exempt)`,
    );
  }
  if (error instanceof OutboundTimeoutError) {
    return new UnknownOutcomeError(`webhook receiver did not answer within ${timeoutMs} ms`);
  }
  const reason = error instanceof Error ? error.message : String(error);
  if (/ECONNRESET|socket hang up/.test(reason)) {
    return new UnknownOutcomeError(`webhook receiver dropped the connection: ${reason}`);
  }
  return new RetryableDeliveryError(`webhook request failed: ${reason}`);
}

function snippet(response: GuardedResponse): string {
  const text = response.body
    .subarray(0, ERROR_SNIPPET_CHARS * 4)
    .toString('utf8')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, ERROR_SNIPPET_CHARS);
  return text ? `: ${text}` : '';
}
