import type { RecipientType } from 'src/domain/vocabulary';
import { emailRecipientRule } from './email.recipient-rule';
import type { RecipientRule } from './recipient-rule';
import { slackChannelRecipientRule } from './slack-channel.recipient-rule';
import { userIdRecipientRule } from './user-id.recipient-rule';
import { webhookRecipientRule } from './webhook.recipient-rule';

/** The save-time rule of each recipient type; a type without one is a compile error. */
export const RECIPIENT_RULES: { readonly [T in RecipientType]: RecipientRule } = {
  email: emailRecipientRule,
  user_id: userIdRecipientRule,
  slack_channel: slackChannelRecipientRule,
  webhook: webhookRecipientRule,
};
