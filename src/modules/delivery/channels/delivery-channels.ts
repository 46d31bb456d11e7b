import type { Type } from '@nestjs/common';
import { RECIPIENT_TYPES, RecipientType } from 'src/domain/vocabulary';
import type { DeliveryChannel } from '../delivery-channel';
import { EmailChannel } from './email.channel';
import { SlackChannel } from './slack.channel';
import { WebhookChannel } from './webhook.channel';

/**
 * The channel that delivers each recipient type (docs/extending.md). The type makes a recipient
 * type without a channel a compile error; one channel may serve several types.
 */
export const CHANNEL_FOR: { readonly [T in RecipientType]: Type<DeliveryChannel> } = {
  email: EmailChannel,
  user_id: EmailChannel,
  slack_channel: SlackChannel,
  webhook: WebhookChannel,
};

/** Each channel class once, for the module's providers. */
export const CHANNEL_CLASSES: Type<DeliveryChannel>[] = [...new Set(Object.values(CHANNEL_FOR))];

/** The channel of every recipient type, from the instances of CHANNEL_CLASSES (in that order). */
export function channelsByType(
  instances: DeliveryChannel[],
): Record<RecipientType, DeliveryChannel> {
  return Object.fromEntries(
    RECIPIENT_TYPES.map((type) => [type, instances[CHANNEL_CLASSES.indexOf(CHANNEL_FOR[type])]]),
  ) as Record<RecipientType, DeliveryChannel>;
}
