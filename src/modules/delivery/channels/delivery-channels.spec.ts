import { RECIPIENT_TYPES } from 'src/domain/vocabulary';
import { RECIPIENT_RULES } from 'src/modules/schedules/recipients/recipient-rules';
import type { DeliveryChannel } from '../delivery-channel';
import { CHANNEL_CLASSES, CHANNEL_FOR, channelsByType } from './delivery-channels';

// Read from the registries: a new recipient type is covered without editing this file.
describe('the channel and recipient-rule registries', () => {
  const instances = CHANNEL_CLASSES.map(
    (type) => ({ name: type.name, offersUnsubscribe: false, send: jest.fn() }) as DeliveryChannel,
  );
  const byType = channelsByType(instances);

  it.each(RECIPIENT_TYPES)('%s has a channel instance of its registered class', (type) => {
    expect((byType[type] as unknown as { name: string }).name).toBe(CHANNEL_FOR[type].name);
  });

  it.each(RECIPIENT_TYPES)('%s has a save-time rule that documents itself', (type) => {
    expect(RECIPIENT_RULES[type].describe).toMatch(/\w{3}/);
  });

  it('lists each channel class once, however many types it serves', () => {
    expect(new Set(CHANNEL_CLASSES).size).toBe(CHANNEL_CLASSES.length);
    expect(new Set(Object.values(CHANNEL_FOR))).toEqual(new Set(CHANNEL_CLASSES));
  });
});
