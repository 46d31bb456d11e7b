import { Injectable } from '@nestjs/common';
import { AppConfigService } from 'src/config/app-config.service';
import { RECIPIENT_TYPES } from 'src/domain/vocabulary';
import { Organization } from 'src/modules/organizations/entities/organization.entity';
import { MembersRepository } from 'src/modules/organizations/members.repository';
import type { Recipient } from './entities/scheduled-report.entity';
import { RECIPIENT_RULES } from './recipients/recipient-rules';

/** Checks a schedule's recipients against the organization's settings; returns messages. */
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
      value: RECIPIENT_RULES[r.type].normalize(r.value),
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

    const context = {
      org,
      members: this.members,
      outboundAllowHosts: this.config.values.outboundAllowHosts,
    };
    const problems: (string | null)[] = new Array(normalised.length).fill(null);
    await Promise.all(
      RECIPIENT_TYPES.map(async (type) => {
        const indexes = normalised.flatMap((r, i) => (r.type === type ? [i] : []));
        if (indexes.length === 0) return;
        const found = await RECIPIENT_RULES[type].problems(
          indexes.map((i) => normalised[i].value),
          context,
        );
        indexes.forEach((index, k) => (problems[index] = found[k]));
      }),
    );
    problems.forEach((problem, i) => {
      if (problem) errors.push(`recipients[${i}].value '${normalised[i].value}' ${problem}`);
    });
    return { recipients: normalised, errors };
  }
}
