import { Injectable } from '@nestjs/common';
import type {
  DeliveryChannel,
  DeliveryContext,
  DeliverySent,
} from 'src/modules/delivery/delivery-channel';
import { PermanentDeliveryError } from 'src/modules/delivery/delivery.errors';
import {
  formatBytes,
  formatDateTime,
  MailTemplates,
  type EmailLayoutData,
} from 'src/modules/delivery/mail/mail-templates';
import { MailTransport } from 'src/modules/delivery/mail/mail-transport';
import type { SummaryTotals } from 'src/modules/generators/pdf/period-totals';

/**
 * Email and team-member deliveries: the report attached when it is at most the
 * org's attachment limit, else the signed link; one-click unsubscribe headers (RFC 8058) and a
 * visible link; a Message-ID derived from the delivery id so a resend after a crash folds into
 * the first message in mail clients.
 */
@Injectable()
export class EmailChannel implements DeliveryChannel {
  readonly offersUnsubscribe = true;
  readonly countsAsEmail = true;

  constructor(
    private readonly templates: MailTemplates,
    private readonly transport: MailTransport,
  ) {}

  async send(ctx: DeliveryContext): Promise<DeliverySent> {
    const address = ctx.recipient.email;
    if (!address) throw new PermanentDeliveryError('the recipient has no email address');
    const attached = ctx.execution.fileSize <= ctx.organization.attachmentLimitBytes;
    const subject = reportSubject(ctx);
    const { html, text } = this.templates.render(
      'report-ready',
      reportView(ctx, subject, attached),
    );
    const headers: Record<string, string> = { 'Auto-Submitted': 'auto-generated' };
    if (ctx.unsubscribeUrl) {
      headers['List-Unsubscribe'] = `<${ctx.unsubscribeUrl}>`;
      headers['List-Unsubscribe-Post'] = 'List-Unsubscribe=One-Click';
    }
    // Opened only now: a render failure above must not leave a file stream behind.
    const attachment = attached
      ? {
          filename: ctx.execution.fileName,
          contentType: ctx.execution.contentType,
          content: await ctx.openFile(),
        }
      : undefined;
    const accepted = await this.transport.send({
      to: { address, name: ctx.recipient.name },
      fromName: ctx.organization.brandName,
      subject,
      html,
      text,
      messageKey: ctx.deliveryId,
      headers,
      attachment,
    });
    return {
      metadata: {
        message_id: accepted.messageId,
        attached,
        smtp_response: accepted.response,
      },
    };
  }
}

/** `Weekly invoices (2026-11-02 to 2026-11-08)`; the transport strips what could break a header. */
export function reportSubject(ctx: DeliveryContext): string {
  const when = periodText(ctx) ?? formatDate(ctx.execution.scheduledFor, ctx.recipient.timezone);
  return `${ctx.schedule.name} (${when})`;
}

function reportView(
  ctx: DeliveryContext,
  subject: string,
  attached: boolean,
): EmailLayoutData & Record<string, unknown> {
  const zone = ctx.recipient.timezone;
  const period = periodText(ctx);
  const facts = [
    ...(period ? [{ label: 'Period', value: period }] : []),
    { label: 'Data as of', value: formatDateTime(ctx.execution.dataAsOf, zone) },
    { label: 'Rows', value: ctx.execution.rowsGenerated.toLocaleString('en-US') },
    { label: 'Format', value: ctx.schedule.outputFormat.toUpperCase() },
  ];
  return {
    brandName: ctx.organization.brandName,
    title: subject,
    footerNote: `You receive this because you are a recipient of the scheduled report "${ctx.schedule.name}" from ${ctx.organization.brandName}.`,
    unsubscribeUrl: ctx.unsubscribeUrl,
    scheduleName: ctx.schedule.name,
    recipientName: ctx.recipient.name ?? null,
    facts,
    summary: summaryView(ctx.execution.summaryTotals),
    attached,
    fileName: ctx.execution.fileName,
    fileSize: formatBytes(ctx.execution.fileSize),
    downloadUrl: ctx.downloadUrl,
    linkExpiresAt: formatDateTime(ctx.linkExpiresAt, zone),
  };
}

/** Periods listed in the email: the latest ones; the PDF's summary page has them all. */
const EMAIL_PERIODS = 12;

/** The stored totals as the summary-totals partials show them; null shows nothing. */
export function summaryView(totals: SummaryTotals | null) {
  if (!totals || totals.totals.length === 0) return null;
  const shown = totals.totals.slice(-EMAIL_PERIODS);
  const hidden = totals.totals.length - shown.length;
  return {
    heading: `Totals by ${totals.period_column ?? 'period'}`,
    periodColumn: totals.period_column ?? 'Period',
    amountColumn: totals.amount_column ?? '',
    showCurrency: shown.some((t) => t.currency !== null),
    rows: shown.map((t) => ({
      period: t.period,
      currency: t.currency ?? '',
      rows: t.rows.toLocaleString('en-US'),
      amount: t.amount ?? '',
    })),
    more: hidden > 0 || totals.truncated ? `Earlier periods are on the report's summary page.` : '',
  };
}

function periodText(ctx: DeliveryContext): string | null {
  const period = ctx.execution.period;
  if (!period) return null;
  return period.from === period.to ? period.from : `${period.from} to ${period.to}`;
}

function formatDate(date: Date, timeZone: string): string {
  const format = (zone: string) =>
    new Intl.DateTimeFormat('en-CA', { timeZone: zone, dateStyle: 'short' }).format(date);
  try {
    return format(timeZone);
  } catch {
    return format('UTC');
  }
}
