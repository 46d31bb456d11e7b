import { Injectable } from '@nestjs/common';
import type { NoticeKind } from 'src/domain/vocabulary';
import {
  formatDateTime,
  MailTemplates,
  type EmailTemplateName,
} from 'src/modules/delivery/mail/mail-templates';
import { MailTransport } from 'src/modules/delivery/mail/mail-transport';

/** One failure notice, to a schedule's creator or (access_revoked) to the org's admins. */
export interface NoticeMail {
  /** The notices row id: the Message-ID derives from it, so a resend folds into the first. */
  noticeId: string;
  kind: NoticeKind;
  /** One message each, so no recipient sees the others' addresses. */
  to: string[];
  brandName: string;
  scheduleName: string;
  scheduleId: string;
  executionId: string;
  scheduledFor: Date;
  /** IANA zone `scheduledFor` is shown in (the schedule's). */
  timezone: string;
  reason: string;
  /** For `delivery_failed`: who did not get the report, and why. */
  failedDeliveries?: { recipient: string; error: string }[];
  /** For `schedule_paused`: how many runs in a row failed. */
  consecutiveFailures?: number;
  historyUrl: string;
}

const TEMPLATES: Record<NoticeKind, EmailTemplateName> = {
  execution_failed: 'execution-failed',
  delivery_failed: 'delivery-failed',
  schedule_paused: 'schedule-paused',
  access_revoked: 'access-revoked',
};

/**
 * Sends failure notices. Throws `RetryableDeliveryError` / `PermanentDeliveryError` with the same
 * SMTP mapping as report emails (see `toDeliveryError`).
 */
@Injectable()
export class NoticeMailer {
  constructor(
    private readonly templates: MailTemplates,
    private readonly transport: MailTransport,
  ) {}

  /** Sends to each address in turn; a retry sends again under the same Message-IDs. */
  async send(mail: NoticeMail): Promise<{ message_ids: string[] }> {
    const subject = noticeSubject(mail);
    const { html, text } = this.templates.render(TEMPLATES[mail.kind], {
      brandName: mail.brandName,
      title: subject,
      footerNote:
        mail.kind === 'access_revoked'
          ? `You receive this as an administrator of ${mail.brandName}.`
          : `You receive this because you created the scheduled report "${mail.scheduleName}".`,
      unsubscribeUrl: null,
      scheduleName: mail.scheduleName,
      scheduledFor: formatDateTime(mail.scheduledFor, mail.timezone),
      reason: mail.reason,
      failedDeliveries: mail.failedDeliveries ?? [],
      failureCount: failureCount(mail.consecutiveFailures),
      historyUrl: mail.historyUrl,
      facts: [
        { label: 'Schedule', value: mail.scheduleName },
        { label: 'Schedule id', value: mail.scheduleId },
        { label: 'Execution id', value: mail.executionId },
        { label: 'Scheduled for', value: formatDateTime(mail.scheduledFor, mail.timezone) },
      ],
    });
    const messageIds: string[] = [];
    for (const [index, address] of mail.to.entries()) {
      const accepted = await this.transport.send({
        to: { address },
        fromName: mail.brandName,
        subject,
        html,
        text,
        // The first keeps the key notices always had, so a retry folds into it.
        messageKey: index === 0 ? `notice-${mail.noticeId}` : `notice-${mail.noticeId}-${index}`,
        headers: { 'Auto-Submitted': 'auto-generated' },
      });
      messageIds.push(accepted.messageId);
    }
    return { message_ids: messageIds };
  }
}

function noticeSubject(mail: NoticeMail): string {
  switch (mail.kind) {
    case 'execution_failed':
      return `Report failed: ${mail.scheduleName}`;
    case 'delivery_failed':
      return `Report not delivered: ${mail.scheduleName}`;
    case 'schedule_paused':
      return `Schedule paused: ${mail.scheduleName}`;
    case 'access_revoked':
      return `Schedule paused, access revoked: ${mail.scheduleName}`;
  }
}

function failureCount(count: number | undefined): string {
  if (!count) return 'its recent runs failed';
  return count === 1 ? 'its last run failed' : `its last ${count} runs all failed`;
}
