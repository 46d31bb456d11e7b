import { Injectable } from '@nestjs/common';
import {
  formatDateTime,
  MailTemplates,
  type EmailTemplateName,
} from 'src/modules/delivery/mail/mail-templates';
import { MailTransport } from 'src/modules/delivery/mail/mail-transport';

/** One failure notice to a schedule's creator. */
export interface NoticeMail {
  /** The notices row id: the Message-ID derives from it, so a resend folds into the first. */
  noticeId: string;
  kind: 'execution_failed' | 'delivery_failed' | 'schedule_paused';
  to: string;
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

const TEMPLATES: Record<NoticeMail['kind'], EmailTemplateName> = {
  execution_failed: 'execution-failed',
  delivery_failed: 'delivery-failed',
  schedule_paused: 'schedule-paused',
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

  async send(mail: NoticeMail): Promise<{ message_id: string }> {
    const subject = noticeSubject(mail);
    const { html, text } = this.templates.render(TEMPLATES[mail.kind], {
      brandName: mail.brandName,
      title: subject,
      footerNote: `You receive this because you created the scheduled report "${mail.scheduleName}".`,
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
    const accepted = await this.transport.send({
      to: { address: mail.to },
      fromName: mail.brandName,
      subject,
      html,
      text,
      messageKey: `notice-${mail.noticeId}`,
      headers: { 'Auto-Submitted': 'auto-generated' },
    });
    return { message_id: accepted.messageId };
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
  }
}

function failureCount(count: number | undefined): string {
  if (!count) return 'its recent runs failed';
  return count === 1 ? 'its last run failed' : `its last ${count} runs all failed`;
}
