import { MailerService } from '@nestjs-modules/mailer';
import { Injectable } from '@nestjs/common';
import type { Readable } from 'node:stream';
import type SMTPPool from 'nodemailer/lib/smtp-pool';
import { parseConnectionUrl } from 'nodemailer/lib/shared';
import { isPlainEmailAddress } from 'src/common/net/email-address';
import type { AppConfig } from 'src/config/app-config';
import { AppConfigService } from 'src/config/app-config.service';
import {
  PermanentDeliveryError,
  RetryableDeliveryError,
  UnknownOutcomeError,
} from 'src/modules/delivery/delivery.errors';

/** One message as the channels hand it over: already rendered, every header value untrusted. */
export interface OutgoingMail {
  to: { address: string; name?: string };
  /** Display name of the sender; the address is always MAIL_FROM's. */
  fromName: string;
  subject: string;
  html: string;
  text: string;
  /** Local part of the Message-ID; the same on every attempt so clients fold a resend. */
  messageKey: string;
  headers?: Record<string, string>;
  attachment?: { filename: string; contentType: string; content: Readable };
}

export interface MailAccepted {
  messageId: string;
  /** The server's final reply, e.g. `250 OK: queued as 1A2B`. */
  response: string;
}

/**
 * The SMTP options behind MailerModule. The URL is parsed here because nodemailer drops every
 * other option when it is given `{ url }`. Timeouts are short so a dead server fails an attempt
 * in seconds (the delivery queue retries with backoff) instead of holding a worker slot for
 * nodemailer's default of minutes. Pooled: the benchmark's 3,000 messages would otherwise pay a
 * TCP handshake and EHLO each. `maxRequeues: 0` because the delivery queue owns retries: the pool
 * must not resend on its own a message the server may already have accepted (nodemailer reads
 * the option; its typings lack it).
 */
export function smtpTransportOptions(
  config: AppConfig,
): SMTPPool.Options & { maxRequeues: number } {
  return {
    ...parseConnectionUrl(config.mail.smtpUrl),
    pool: true,
    maxConnections: Math.min(config.delivery.concurrency, 20),
    maxMessages: 100,
    maxRequeues: 0,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
    dnsTimeout: 10_000,
  };
}

/** The bare address of MAIL_FROM (`Reports <reports@x.io>` or `reports@x.io`). */
export function fromAddress(mailFrom: string): string {
  return (/<([^>]+)>\s*$/.exec(mailFrom)?.[1] ?? mailFrom).trim();
}

/** `<key@domain of MAIL_FROM>`: RFC 5322 wants a domain we own on the right-hand side. */
export function messageIdFor(key: string, mailFrom: string): string {
  const domain = fromAddress(mailFrom).split('@').pop() || 'localhost';
  return `<${key.replace(/[^A-Za-z0-9.\-_]/g, '')}@${domain}>`;
}

/**
 * Text safe in a header: user input (schedule names, display names) must not end a header line
 * and start another (`\r\nBcc: ...`). Control characters and Unicode line separators become a
 * space; nodemailer encodes the rest.
 */
export function headerSafe(value: string, maxLength = 200): string {
  // eslint-disable-next-line no-control-regex
  const flat = value.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ');
  return flat.replace(/\s+/g, ' ').trim().slice(0, maxLength);
}

interface SmtpErrorLike {
  code?: string;
  responseCode?: number;
  response?: string;
  command?: string;
  message?: string;
}

const CONNECTION_CODES = new Set([
  'ECONNECTION',
  'ETIMEDOUT',
  'ESOCKET',
  'EDNS',
  'ETLS',
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/**
 * Maps a nodemailer failure to what the delivery pipeline does next:
 * - 4xx: the server may accept later → retry.
 * - 5xx on RCPT TO, or an enhanced status 5.1.x/5.2.x (bad or disabled mailbox) at any step →
 *   `bounced`: this recipient will not take mail, retrying only annoys the server.
 * - Other 5xx (sender refused, content refused at DATA) → `failed`: the same message would be
 *   refused again. Except 5xx at AUTH, which is the operator's to fix and is retried.
 * - The connection went quiet or dropped mid-conversation, with no reply → unknown: the server
 *   may have taken the message (nodemailer does not say at which step), so it is resent only
 *   after the lease, under the same Message-ID.
 * - Refused connections, connect and greeting timeouts, and anything unknown → retry.
 */
export function toDeliveryError(
  error: unknown,
): RetryableDeliveryError | PermanentDeliveryError | UnknownOutcomeError {
  if (
    error instanceof RetryableDeliveryError ||
    error instanceof PermanentDeliveryError ||
    error instanceof UnknownOutcomeError
  ) {
    return error;
  }
  const e = (typeof error === 'object' && error !== null ? error : {}) as SmtpErrorLike;
  const status = typeof e.responseCode === 'number' ? e.responseCode : 0;
  const reply = e.response ? `SMTP ${firstLine(e.response)}` : `SMTP ${status}`;
  if (status >= 400 && status < 500) return new RetryableDeliveryError(reply);
  if (status >= 500 && status < 600) {
    const enhanced = /^\d{3}[ -](\d\.\d{1,3}\.\d{1,3})/.exec(e.response ?? '')?.[1] ?? '';
    if (/^RCPT/i.test(e.command ?? '') || /^5\.[12]\./.test(enhanced)) {
      return new PermanentDeliveryError(reply, 'bounced');
    }
    if (e.code === 'EAUTH') return new RetryableDeliveryError(reply);
    return new PermanentDeliveryError(reply, 'failed');
  }
  const message = firstLine(e.message ?? String(error));
  if (lostMidConversation(e)) {
    return new UnknownOutcomeError(`SMTP connection lost without a reply: ${message}`);
  }
  if (e.code && CONNECTION_CODES.has(e.code)) {
    return new RetryableDeliveryError(`SMTP connection failed: ${message}`);
  }
  return new RetryableDeliveryError(`SMTP send failed: ${message}`);
}

/**
 * An idle-socket timeout (`Timeout`, not the connect or greeting timeout), a close with a
 * conversation under way, or a reset: the message may have been read in full before it happened.
 */
function lostMidConversation(e: SmtpErrorLike): boolean {
  const message = e.message ?? '';
  if (e.code === 'ETIMEDOUT') return /^Timeout\b/.test(message);
  if (e.code === 'ECONNECTION') return /^Connection closed unexpectedly/.test(message);
  return e.code === 'ESOCKET' && /ECONNRESET|EPIPE/.test(message);
}

function firstLine(text: string): string {
  return text.split(/\r?\n/)[0].trim().slice(0, 200);
}

/**
 * "How to send" (the templates are "what to say"): one place that sets the sender, the stable
 * Message-ID and the header hygiene, and turns every SMTP failure into a delivery error.
 */
@Injectable()
export class MailTransport {
  private readonly from: string;

  constructor(
    private readonly mailer: MailerService,
    config: AppConfigService,
  ) {
    this.from = config.values.mail.from;
  }

  async send(mail: OutgoingMail): Promise<MailAccepted> {
    if (this.poolClosed()) {
      // Nest closes the mailer (onModuleDestroy) before Bull stops its workers; nodemailer's
      // closed pool drops new messages without ever calling back, which would hang shutdown.
      mail.attachment?.content.destroy();
      throw new RetryableDeliveryError('the mail transport is shutting down; a retry will send it');
    }
    const to = mail.to.address.trim();
    if (!isPlainEmailAddress(to)) {
      mail.attachment?.content.destroy();
      // Saved addresses are checked; this one slipped past, and no retry will fix it.
      throw new PermanentDeliveryError('the recipient is not one plain email address', 'failed');
    }
    const from = fromAddress(this.from);
    const messageId = messageIdFor(mail.messageKey, this.from);
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(mail.headers ?? {})) {
      headers[name] = headerSafe(value, 2000);
    }
    const sending = this.mailer
      .sendMail({
        // Address objects, never strings to parse, and the envelope spelled out: nodemailer
        // would otherwise derive RCPT TO from the headers, where a crafted name or address
        // could add a recipient (`a@x.io, b@evil.test`).
        from: { name: headerSafe(mail.fromName, 100), address: from },
        to: { name: headerSafe(mail.to.name ?? '', 100), address: to },
        envelope: { from, to: [to] },
        subject: headerSafe(mail.subject),
        html: mail.html,
        text: mail.text,
        messageId,
        headers,
        attachments: mail.attachment ? [mail.attachment] : [],
      })
      .then(
        (info: { response?: string }) => ({ messageId, response: firstLine(info.response ?? '') }),
        (error: unknown) => {
          throw toDeliveryError(error);
        },
      )
      // A send that failed before DATA never read the file; do not leak its handle. Only once it
      // settled: a send the backstop gave up on may still be reading it.
      .finally(() => mail.attachment?.content.destroy());
    return withDeadline(sending);
  }

  private poolClosed(): boolean {
    const mailer = this.mailer as unknown as {
      transporter?: { transporter?: { _closed?: boolean } };
    };
    return mailer.transporter?.transporter?._closed === true;
  }
}

/** Longer than nodemailer's own connect + greeting + socket timeouts: a backstop, not a limit. */
export const SEND_DEADLINE_MS = 90_000;

/**
 * The backstop cannot cancel a pooled send, so it does not pretend to: the send is handed on as
 * in flight, and whoever holds the delivery's lease keeps holding it until the send settles.
 */
function withDeadline<T>(sending: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      sending.catch(() => undefined);
      reject(new UnknownOutcomeError('the SMTP send did not finish within 90 s', sending));
    }, SEND_DEADLINE_MS);
    timer.unref();
  });
  return Promise.race([sending, deadline]).finally(() => clearTimeout(timer));
}
