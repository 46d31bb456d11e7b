import { emailDomain } from 'src/common/net/email-address';
import type { RecipientRule } from './recipient-rule';

/**
 * An address of a member, or in one of the organization's allowed email domains. Only one plain
 * address (see email-address.ts): a quoted local part, a list or a routing character could make
 * the allowed domain the one checked and another the one mailed.
 */
export const emailRecipientRule: RecipientRule = {
  describe: "an address of a member or in the organization's allowed email domains",
  normalize: (value) => value.trim().toLowerCase(),
  async problems(values, { org, members }) {
    const memberEmails = new Set(
      (await members.findActiveByEmails(org.id, values)).map((m) => m.email),
    );
    const domains = new Set(org.allowed_email_domains.map((d) => d.toLowerCase()));
    return values.map((value) => {
      const domain = emailDomain(value);
      if (domain === null) {
        return 'is not an email address (one plain address: no display name, quotes, comments or lists)';
      }
      if (memberEmails.has(value) || domains.has(domain)) return null;
      return "is neither a member's address nor in an allowed email domain";
    });
  },
};
