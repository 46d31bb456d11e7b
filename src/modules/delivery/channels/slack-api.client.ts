import { Injectable } from '@nestjs/common';
import {
  guardedRequest,
  type GuardedResponse,
  OutboundBlockedError,
  OutboundTimeoutError,
  retryAfterMs,
} from 'src/common/net/guarded-http';
import { AppConfigService } from 'src/config/app-config.service';
import {
  PermanentDeliveryError,
  RetryableDeliveryError,
  UnknownOutcomeError,
} from 'src/modules/delivery/delivery.errors';

/** `SlackApiError.method` of a failed POST to an upload URL (not a Web API method). */
export const UPLOAD_STEP = 'file upload';

/** The methods that put something in a channel; the others only look things up or stage a file. */
const POSTING_METHODS = new Set(['chat.postMessage', 'files.completeUploadExternal']);

const API_TIMEOUT_MS = 10_000;
const UPLOAD_TIMEOUT_MS = 120_000;
// A conversations.list page of 200 full channel objects can pass the guard's 1 MiB default; a
// cut-off page would not parse and would be retried for nothing.
const MAX_RESPONSE_BYTES = 8 * 1024 * 1024;
// conversations.list pages of 200: 50 pages cover 10,000 channels; past that a name is a poor
// way to address a channel anyway and the id should be used.
const CHANNEL_PAGE_SIZE = 200;
const MAX_CHANNEL_PAGES = 50;

/** Slack errors that a later attempt can get past. */
const TRANSIENT_ERRORS = new Set([
  'ratelimited',
  'internal_error',
  'fatal_error',
  'service_unavailable',
  'request_timeout',
]);
const TOKEN_ERRORS = new Set([
  'invalid_auth',
  'not_authed',
  'account_inactive',
  'token_revoked',
  'token_expired',
]);
const CHANNEL_ERRORS: Record<string, string> = {
  channel_not_found: 'the Slack channel does not exist or the app cannot see it',
  not_in_channel: 'the Slack app is not a member of the channel; invite it with /invite',
  is_archived: 'the Slack channel is archived',
};

/**
 * Slack answered `{ ok: false, error }` with an error no retry can get past. A permanent delivery
 * error that keeps Slack's code, so the channel can tell "may not upload" from "no such channel".
 */
export class SlackApiError extends PermanentDeliveryError {
  constructor(
    readonly method: string,
    readonly slackError: string,
    message: string,
  ) {
    super(message);
    this.name = 'SlackApiError';
  }
}

export interface SlackPostMessage {
  channel: string;
  text: string;
  blocks?: unknown[];
}

export interface SlackCompleteUpload {
  fileId: string;
  title: string;
  channelId: string;
  initialComment: string;
}

type SlackBody = { ok?: boolean; error?: string; needed?: string } & Record<string, unknown>;

/**
 * The few Slack Web API methods delivery needs, through the SSRF-guarded client. Maps Slack's
 * answers to delivery errors: HTTP 429 and `ratelimited` wait for Retry-After, 5xx and network
 * trouble are retried, channel and token problems are permanent with a message an admin can act on.
 */
@Injectable()
export class SlackApiClient {
  private readonly baseUrl: string;
  private readonly allowHosts: string[];

  constructor(config: AppConfigService) {
    this.baseUrl = config.values.slackApiUrl.replace(/\/+$/, '');
    this.allowHosts = config.values.outboundAllowHosts;
  }

  async postMessage(
    token: string,
    message: SlackPostMessage,
  ): Promise<{ channel: string; ts: string }> {
    const body = await this.call(token, 'chat.postMessage', {
      json: { ...message, unfurl_links: false, unfurl_media: false },
    });
    return { channel: String(body.channel), ts: String(body.ts) };
  }

  async getUploadUrlExternal(
    token: string,
    file: { filename: string; length: number },
  ): Promise<{ uploadUrl: string; fileId: string }> {
    const body = await this.call(token, 'files.getUploadURLExternal', {
      form: { filename: file.filename, length: String(file.length) },
    });
    return { uploadUrl: String(body.upload_url), fileId: String(body.file_id) };
  }

  /** Sends the bytes to the pre-signed upload URL; the bot token is not sent there. */
  async uploadToUrl(uploadUrl: string, bytes: Buffer, contentType: string): Promise<void> {
    const response = await this.request(UPLOAD_STEP, {
      method: 'POST',
      url: uploadUrl,
      headers: { 'Content-Type': contentType, 'Content-Length': String(bytes.length) },
      body: bytes,
      timeoutMs: UPLOAD_TIMEOUT_MS,
    });
    if (response.status === 200) return;
    throwForHttpStatus(UPLOAD_STEP, response);
    throw new SlackApiError(
      UPLOAD_STEP,
      `http_${response.status}`,
      `Slack refused the file upload with HTTP ${response.status}`,
    );
  }

  async completeUploadExternal(
    token: string,
    upload: SlackCompleteUpload,
  ): Promise<{ fileId: string }> {
    const body = await this.call(token, 'files.completeUploadExternal', {
      json: {
        files: [{ id: upload.fileId, title: upload.title }],
        channel_id: upload.channelId,
        initial_comment: upload.initialComment,
      },
    });
    const files = body.files as Array<{ id?: string }> | undefined;
    return { fileId: files?.[0]?.id ?? upload.fileId };
  }

  /** The id of the channel called `name` (with or without `#`), or null when the app sees none. */
  async findChannelId(token: string, name: string): Promise<string | null> {
    const wanted = name.replace(/^#/, '').toLowerCase();
    let cursor = '';
    for (let page = 0; page < MAX_CHANNEL_PAGES; page++) {
      const body = await this.call(token, 'conversations.list', {
        form: {
          types: 'public_channel,private_channel',
          exclude_archived: 'true',
          limit: String(CHANNEL_PAGE_SIZE),
          ...(cursor ? { cursor } : {}),
        },
      });
      const channels = (body.channels ?? []) as Array<{ id: string; name?: string }>;
      const match = channels.find((channel) => channel.name?.toLowerCase() === wanted);
      if (match) return match.id;
      const metadata = body.response_metadata as { next_cursor?: string } | undefined;
      cursor = metadata?.next_cursor ?? '';
      if (!cursor) return null;
    }
    return null;
  }

  private async call(
    token: string,
    method: string,
    payload: { json: object } | { form: Record<string, string> },
  ): Promise<SlackBody> {
    const isJson = 'json' in payload;
    const response = await this.request(method, {
      method: 'POST',
      url: `${this.baseUrl}/${method}`,
      headers: {
        Authorization: `Bearer ${token}`,
        'Content-Type': isJson
          ? 'application/json; charset=utf-8'
          : 'application/x-www-form-urlencoded',
      },
      body: Buffer.from(
        isJson ? JSON.stringify(payload.json) : new URLSearchParams(payload.form).toString(),
        'utf8',
      ),
      timeoutMs: API_TIMEOUT_MS,
    });
    throwForHttpStatus(method, response);
    if (response.status !== 200) {
      throw new SlackApiError(
        method,
        `http_${response.status}`,
        `Slack ${method} answered HTTP ${response.status}; check SLACK_API_URL`,
      );
    }
    let body: SlackBody;
    try {
      body = JSON.parse(response.body.toString('utf8')) as SlackBody;
    } catch {
      // A proxy or maintenance page in front of Slack, most likely; it passes.
      throw new RetryableDeliveryError(`Slack ${method} answered with something other than JSON`);
    }
    if (body.ok !== true) throw slackError(method, body, retryAfterMs(response.headers));
    return body;
  }

  private async request(
    what: string,
    options: {
      method: string;
      url: string;
      headers: Record<string, string>;
      body: Buffer;
      timeoutMs: number;
    },
  ): Promise<GuardedResponse> {
    try {
      return await guardedRequest({
        ...options,
        allowHosts: this.allowHosts,
        maxResponseBytes: MAX_RESPONSE_BYTES,
      });
    } catch (error) {
      if (error instanceof OutboundBlockedError) {
        throw new PermanentDeliveryError(`Slack ${what} refused: ${error.message}`);
      }
      const reason = error instanceof Error ? error.message : String(error);
      const lost =
        error instanceof OutboundTimeoutError || /ECONNRESET|socket hang up/.test(reason);
      if (lost && POSTING_METHODS.has(what)) {
        // Slack may have posted it: not sooner than the lease, and Slack has no key to dedupe on.
        throw new UnknownOutcomeError(`Slack ${what} gave no answer: ${reason}`);
      }
      if (error instanceof OutboundTimeoutError) {
        throw new RetryableDeliveryError(`Slack ${what} timed out`);
      }
      throw new RetryableDeliveryError(`Slack ${what} failed: ${reason}`);
    }
  }
}

/** 429 and 5xx pass; the caller decides about the rest. */
function throwForHttpStatus(what: string, response: GuardedResponse): void {
  if (response.status === 429) {
    throw new RetryableDeliveryError(
      `Slack ${what} is rate limited (HTTP 429)`,
      retryAfterMs(response.headers),
    );
  }
  if (response.status >= 500 || response.status === 408) {
    throw new RetryableDeliveryError(`Slack ${what} answered HTTP ${response.status}`);
  }
}

function slackError(method: string, body: SlackBody, retryAfter?: number): Error {
  const code = typeof body.error === 'string' ? body.error : 'unknown_error';
  if (TRANSIENT_ERRORS.has(code)) {
    return new RetryableDeliveryError(`Slack ${method} answered ${code}`, retryAfter);
  }
  if (code in CHANNEL_ERRORS) {
    return new SlackApiError(method, code, `${CHANNEL_ERRORS[code]} (${code})`);
  }
  if (TOKEN_ERRORS.has(code)) {
    return new SlackApiError(
      method,
      code,
      `Slack rejected the organization's token (${code}); ` +
        'an admin can set a new one with PUT /api/admin/integrations/slack',
    );
  }
  if (code === 'missing_scope') {
    const needed = typeof body.needed === 'string' ? ` ${body.needed}` : '';
    return new SlackApiError(
      method,
      code,
      `the Slack token lacks the scope${needed} needed for ${method} (missing_scope)`,
    );
  }
  return new SlackApiError(method, code, `Slack ${method} answered ${code}`);
}
