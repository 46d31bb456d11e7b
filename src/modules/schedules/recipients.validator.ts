import { Injectable } from '@nestjs/common';
import { isEmail } from 'class-validator';
import { checkOutboundUrl, OutboundBlockedError } from 'src/common/net/guarded-http';
import { AppConfigService } from 'src/config/app-config.service';
import { Organization } from 'src/modules/organizations/entities/organization.entity';
import { MembersRepository } from 'src/modules/organizations/members.repository';
import type { Recipient } from './entities/scheduled-report.entity';

const SLACK_CHANNEL = /^(?:[CGD][A-Z0-9]{8,20}|#[a-z0-9][a-z0-9._-]{0,79})$/;

/** Checks recipients against CONTRACT §5 and the organization's settings; returns messages. */
@Injectable()
export class RecipientsValidator {
  constructor(
    private readonly members: MembersRepository,
    private readonly config: AppConfigService,
  ) {}

  /** Returns the recipients normalised (emails lower-cased) and every problem found. */
  async validate(
    org: Organization,
    recipients: Recipient[],
  ): Promise<{ recipients: Recipient[]; errors: string[] }> {
    const errors: string[] = [];
    const normalised = recipients.map((r) => ({
      type: r.type,
      value: r.type === 'email' ? r.value.trim().toLowerCase() : r.value.trim(),
    }));
    if (normalised.length > org.max_recipients) {
      errors.push(
        `recipients has ${normalised.length} entries; the organization allows at most ${org.max_recipients}`,
      );
    }
    const seen = new Set<string>();
    normalised.forEach((r, i) => {
      const key = `${r.type}:${r.value}`;
      if (seen.has(key))
        errors.push(`recipients[${i}] duplicates an earlier ${r.type} '${r.value}'`);
      seen.add(key);
    });

    const emails = normalised.filter((r) => r.type === 'email').map((r) => r.value);
    const userIds = normalised.filter((r) => r.type === 'user_id').map((r) => r.value);
    const [emailMembers, userMembers] = await Promise.all([
      this.members.findActiveByEmails(org.id, emails),
      this.members.findActiveByUserIds(org.id, userIds),
    ]);
    const memberEmails = new Set(emailMembers.map((m) => m.email));
    const memberIds = new Set(userMembers.map((m) => m.user_id));
    const domains = new Set(org.allowed_email_domains.map((d) => d.toLowerCase()));

    normalised.forEach((r, i) => {
      const problem = this.problemWith(r, { memberEmails, memberIds, domains });
      if (problem) errors.push(`recipients[${i}].value ${problem}`);
    });
    return { recipients: normalised, errors };
  }

  private problemWith(
    r: Recipient,
    known: { memberEmails: Set<string | null>; memberIds: Set<string>; domains: Set<string> },
  ): string | null {
    switch (r.type) {
      case 'email': {
        if (!isEmail(r.value)) return `'${r.value}' is not an email address`;
        const domain = r.value.slice(r.value.lastIndexOf('@') + 1);
        if (known.memberEmails.has(r.value) || known.domains.has(domain)) return null;
        return `'${r.value}' is neither a member's address nor in an allowed email domain`;
      }
      case 'user_id':
        return known.memberIds.has(r.value)
          ? null
          : `'${r.value}' is not an active member of this organization`;
      case 'slack_channel':
        return SLACK_CHANNEL.test(r.value)
          ? null
          : `'${r.value}' is not a Slack channel id (C0123ABCD) or #channel-name`;
      case 'webhook':
        return this.webhookProblem(r.value);
    }
  }

  /**
   * Save-time SSRF check with the delivery guard's own rules (literal addresses in every spelling
   * the URL parser accepts, localhost names, the allow list); hostnames are judged again on their
   * resolved addresses when the webhook is sent, since DNS can change in between.
   */
  private webhookProblem(value: string): string | null {
    let url: URL;
    try {
      ({ url } = checkOutboundUrl(value, this.config.values.outboundAllowHosts));
    } catch (error) {
      if (!(error instanceof OutboundBlockedError)) throw error;
      if (error.kind === 'invalid_url') return `'${value}' is not a URL`;
      if (error.kind === 'scheme') return `'${value}' must be an http(s) URL`;
      return (
        `'${value}' is refused: ${error.reason}, which webhooks may not reach ` +
        '(only hosts in OUTBOUND_ALLOW_HOSTS are exempt)'
      );
    }
    if (url.username || url.password) return `'${value}' must not carry credentials`;
    return null;
  }
}
