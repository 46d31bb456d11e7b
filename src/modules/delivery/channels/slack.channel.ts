import type { Readable } from 'node:stream';
import { Injectable } from '@nestjs/common';
import type {
  DeliveryChannel,
  DeliveryContext,
  DeliverySent,
} from 'src/modules/delivery/delivery-channel';
import { PermanentDeliveryError } from 'src/modules/delivery/delivery.errors';
import { formatBytes, formatDateTime } from 'src/modules/delivery/mail/mail-templates';
import { SlackApiClient, SlackApiError, UPLOAD_STEP } from './slack-api.client';

/** Files above this go as a link even when the org's attachment limit is higher. */
export const SLACK_UPLOAD_MAX_BYTES = 50 * 1024 * 1024;

/** Channel ids are upper case (C…, G…); names are lower case, with or without `#`. */
const CHANNEL_ID = /^[CG][A-Z0-9]{6,}$/;

/** Slack errors that mean "this token or workspace may not upload": post the link instead. */
const UPLOAD_REFUSALS = new Set([
  'missing_scope',
  'not_allowed_token_type',
  'file_uploads_disabled',
  'file_uploads_except_images_disabled',
  'file_upload_size_restricted',
  'file_type_not_allowed',
]);

const NO_INTEGRATION =
  'the organization has no Slack integration; an admin can add one with PUT /api/admin/integrations/slack';

/**
 * Slack deliveries: a summary with the signed link, and the file itself when it is
 * small enough and the token may upload (Slack's external upload flow), else the link alone.
 * A channel given by name is resolved to its id once and the id kept for later attempts, so a
 * retry neither pages through conversations.list again nor follows a renamed channel.
 */
@Injectable()
export class SlackChannel implements DeliveryChannel {
  readonly offersUnsubscribe = false;

  constructor(private readonly slack: SlackApiClient) {}

  async send(ctx: DeliveryContext): Promise<DeliverySent> {
    const token = ctx.organization.slackBotToken;
    if (!token) throw new PermanentDeliveryError(NO_INTEGRATION);
    const channelId = await this.channelId(ctx, token);
    const message = slackMessage(ctx);

    let uploadSkipped: string | undefined;
    if (uploadAllowed(ctx)) {
      const upload = await this.upload(ctx, token, channelId, message.comment);
      if ('fileId' in upload) {
        return {
          metadata: { slack_channel_id: channelId, file_id: upload.fileId, uploaded: true },
        };
      }
      uploadSkipped = upload.refused;
    }
    const posted = await this.slack.postMessage(token, {
      channel: channelId,
      text: message.text,
      blocks: message.blocks,
    });
    return {
      metadata: {
        slack_channel_id: channelId,
        ts: posted.ts,
        uploaded: false,
        ...(uploadSkipped ? { upload_skipped: uploadSkipped } : {}),
      },
    };
  }

  private async channelId(ctx: DeliveryContext, token: string): Promise<string> {
    const remembered = ctx.memory.slack_channel_id;
    if (typeof remembered === 'string' && remembered) return remembered;
    const value = ctx.recipient.value.trim();
    if (CHANNEL_ID.test(value)) return value;
    const id = await this.slack.findChannelId(token, value);
    if (!id) {
      throw new PermanentDeliveryError(
        `no Slack channel named #${value.replace(/^#/, '')} is visible to the Slack app ` +
          '(for a private channel, invite the app first; or give the channel id)',
      );
    }
    await ctx.remember({ slack_channel_id: id });
    return id;
  }

  /**
   * The external upload flow. A refusal to take the file (no scope, uploads disabled, the upload
   * URL saying no) falls back to the link; retryable errors and channel or token problems
   * propagate as they are (posting the link would meet them too).
   */
  private async upload(
    ctx: DeliveryContext,
    token: string,
    channelId: string,
    comment: string,
  ): Promise<{ fileId: string } | { refused: string }> {
    try {
      const bytes = await readAll(await ctx.openFile(), SLACK_UPLOAD_MAX_BYTES);
      if (!bytes) return { refused: 'file_too_large' };
      const target = await this.slack.getUploadUrlExternal(token, {
        filename: ctx.execution.fileName,
        length: bytes.length,
      });
      await this.slack.uploadToUrl(target.uploadUrl, bytes, ctx.execution.contentType);
      return await this.slack.completeUploadExternal(token, {
        fileId: target.fileId,
        title: ctx.execution.fileName,
        channelId,
        initialComment: comment,
      });
    } catch (error) {
      if (error instanceof SlackApiError && UPLOAD_REFUSALS.has(error.slackError)) {
        return { refused: error.slackError };
      }
      // The upload host turned the bytes down for good: the link still gets the report there.
      if (error instanceof SlackApiError && error.method === UPLOAD_STEP) {
        return { refused: `upload_${error.slackError}` };
      }
      throw error;
    }
  }
}

function uploadAllowed(ctx: DeliveryContext): boolean {
  const size = ctx.execution.fileSize;
  // Slack refuses a zero-length upload (missing_argument); an empty report goes as a link.
  return (
    size > 0 && size <= Math.min(ctx.organization.attachmentLimitBytes, SLACK_UPLOAD_MAX_BYTES)
  );
}

/** The bytes of the file, or null when it turns out larger than `limit`. */
async function readAll(stream: Readable, limit: number): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
    total += buffer.length;
    if (total > limit) {
      stream.destroy();
      return null;
    }
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

/** `&`, `<` and `>` are Slack's control characters; escaped, user text cannot ping or link. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A URL inside `<url|label>` must not contain the delimiters. */
function linkUrl(url: string): string {
  return url.replace(/[<>|]/g, (c) => encodeURIComponent(c));
}

export interface SlackMessage {
  /** Notification and fallback text. */
  text: string;
  blocks: unknown[];
  /** The upload's initial comment: the same summary in one mrkdwn paragraph. */
  comment: string;
}

export function slackMessage(ctx: DeliveryContext): SlackMessage {
  const zone = ctx.recipient.timezone;
  const name = escapeMrkdwn(ctx.schedule.name);
  const reportType = escapeMrkdwn(ctx.schedule.reportType);
  const period = ctx.execution.period;
  const periodText = period
    ? period.from === period.to
      ? period.from
      : `${period.from} to ${period.to}`
    : null;
  const rows = ctx.execution.rowsGenerated.toLocaleString('en-US');
  const dataAsOf = formatDateTime(ctx.execution.dataAsOf, zone);
  const expires = formatDateTime(ctx.linkExpiresAt, zone);
  const fileName = escapeMrkdwn(ctx.execution.fileName);
  const link = `<${linkUrl(ctx.downloadUrl)}|Download ${fileName}>`;
  const size = formatBytes(ctx.execution.fileSize);

  const fields = [
    `*Report*\n${reportType}`,
    ...(periodText ? [`*Period*\n${periodText}`] : []),
    `*Rows*\n${rows}`,
    `*Data as of*\n${dataAsOf}`,
  ];
  const summary = [
    reportType,
    ...(periodText ? [periodText] : []),
    `${rows} rows`,
    `data as of ${dataAsOf}`,
  ].join(' · ');
  const linkLine = `${link} (${size}; link expires ${expires})`;

  return {
    text: `${name}: ${summary}. ${linkLine}`,
    comment: `*${name}*\n${summary}\n${linkLine}`,
    blocks: [
      {
        type: 'header',
        // plain_text is not parsed for mrkdwn, so the raw name is safe; Slack caps headers at 150.
        text: { type: 'plain_text', text: truncate(ctx.schedule.name, 150), emoji: true },
      },
      { type: 'section', fields: fields.map((text) => ({ type: 'mrkdwn', text })) },
      { type: 'section', text: { type: 'mrkdwn', text: linkLine } },
      {
        type: 'context',
        elements: [
          {
            type: 'mrkdwn',
            text: `Scheduled report from ${escapeMrkdwn(ctx.organization.brandName)}`,
          },
        ],
      },
    ],
  };
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
