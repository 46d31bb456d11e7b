import type { Organization } from 'src/modules/organizations/entities/organization.entity';
import type { MembersRepository } from 'src/modules/organizations/members.repository';

/** What a rule may consult about the organization a schedule belongs to. */
export interface RecipientRuleContext {
  org: Organization;
  members: MembersRepository;
  /** Hosts exempt from the private-address block (OUTBOUND_ALLOW_HOSTS). */
  outboundAllowHosts: string[];
}

/**
 * Who may be a recipient of one type, checked when a schedule is saved; registered in
 * `recipient-rules.ts`. Its delivery channel checks again at send time what may have changed.
 */
export interface RecipientRule {
  /** What a value of this type is, for the API docs. */
  readonly describe: string;
  /** The value as stored (trimmed; emails lower-cased). */
  normalize(value: string): string;
  /**
   * Every value of this type in the schedule at once (one query for all, not one each); for each,
   * why it cannot be a recipient (a phrase following the quoted value), or null.
   */
  problems(values: string[], context: RecipientRuleContext): Promise<(string | null)[]>;
}
