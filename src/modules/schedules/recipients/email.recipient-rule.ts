import { isEmail } from 'class-validator';
import type { RecipientRule } from './recipient-rule';

/** An address of a member, or in one of the organization's allowed email domains. */
export const emailRecipientRule: RecipientRule = {
  describe: "an address of a member or in the organization's allowed email domains",
  normalize: (value) => value.trim().toLowerCase(),
  async problems(values, { org, members }) {
    const memberEmails = new Set(
      (await members.findActiveByEmails(org.id, values)).map((m) => m.email),
    );
    const domains = new Set(org.allowed_email_domains.map((d) => d.toLowerCase()));
    return values.map((value) => {
      if (!isEmail(value)) return 'is not an email address';
      const domain = value.slice(value.lastIndexOf('@') + 1);
      if (memberEmails.has(value) || domains.has(domain)) return null;
      return "is neither a member's address nor in an allowed email domain";
    });
  },
};
