import type { RecipientRule } from './recipient-rule';

const SLACK_CHANNEL = /^(?:[CGD][A-Z0-9]{8,20}|#[a-z0-9][a-z0-9._-]{0,79})$/;

/** A channel id (C0123ABCD) or #name; the workspace is the organization's Slack integration. */
export const slackChannelRecipientRule: RecipientRule = {
  describe: "a channel id (C0123ABCD) or #name in the organization's Slack workspace",
  normalize: (value) => value.trim(),
  problems: async (values) =>
    values.map((value) =>
      SLACK_CHANNEL.test(value) ? null : 'is not a Slack channel id (C0123ABCD) or #channel-name',
    ),
};
