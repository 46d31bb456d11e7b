/** Periods relative to the run date, resolved in the schedule's timezone by resolveDateRange. */
export const DATE_RANGE_PRESETS = [
  'yesterday',
  'last_7_days',
  'previous_week',
  'previous_month',
  'month_to_date',
  'previous_quarter',
  'year_to_date',
] as const;

export type DateRangePreset = (typeof DATE_RANGE_PRESETS)[number];

/** Longest custom range, in days counting both ends: a whole leap year fits. */
export const DATE_RANGE_MAX_DAYS = 366;

/** The `date_range` report parameter once it has passed dateRangeSchema. */
export type DateRange =
  { preset: DateRangePreset } | { preset: 'custom'; from: string; to: string };

/**
 * JSON Schema (draft-07) for `date_range`, shared by every report type that takes one.
 * if/then/else rather than oneOf: a oneOf failure reports every branch, which reads badly.
 * `x-date-span` (date-span.keyword.ts) adds the cross-field rules JSON Schema cannot state.
 */
export const dateRangeSchema = {
  type: 'object',
  title: 'Date range',
  description:
    "Period the report covers, in the schedule's timezone and relative to the run date. " +
    "Use a preset, or preset 'custom' with inclusive from and to dates " +
    `(from on or before to, at most ${DATE_RANGE_MAX_DAYS} days).`,
  additionalProperties: false,
  required: ['preset'],
  properties: {
    preset: { type: 'string', enum: [...DATE_RANGE_PRESETS, 'custom'] },
    from: { type: 'string', format: 'date', description: "First day, inclusive; 'custom' only." },
    to: { type: 'string', format: 'date', description: "Last day, inclusive; 'custom' only." },
  },
  if: { properties: { preset: { const: 'custom' } }, required: ['preset'] },
  then: { required: ['from', 'to'] },
  else: { properties: { from: false, to: false } },
  'x-date-span': { maxDays: DATE_RANGE_MAX_DAYS },
} as const;
