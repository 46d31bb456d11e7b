/** Schema fragments that several report types share, so they read and fail the same way. */
export const JSON_SCHEMA_DRAFT_07 = 'http://json-schema.org/draft-07/schema#';

export const currencySchema = {
  type: 'string',
  pattern: '^[A-Z]{3}$',
  description: 'ISO 4217 currency code; only amounts in this currency are included.',
  examples: ['USD', 'EUR'],
} as const;

// minItems 1: an empty list would be ambiguous between "no customers" and "all customers".
export const customerIdsSchema = {
  type: 'array',
  items: { type: 'string', format: 'uuid' },
  minItems: 1,
  maxItems: 100,
  uniqueItems: true,
  description: 'Only these customers; omit for all customers.',
} as const;
