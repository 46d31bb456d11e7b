import type { RecipientRule } from './recipient-rule';

/** An active member of the organization (mailed at its current address when the report runs). */
export const userIdRecipientRule: RecipientRule = {
  describe: 'the user id of an active member (GET /api/members), mailed at its current address',
  normalize: (value) => value.trim(),
  async problems(values, { org, members }) {
    const active = new Set(
      (await members.findActiveByUserIds(org.id, values)).map((m) => m.user_id),
    );
    return values.map((value) =>
      active.has(value) ? null : 'is not an active member of this organization',
    );
  },
};
