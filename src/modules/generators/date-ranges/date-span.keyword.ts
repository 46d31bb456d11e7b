import type { FuncKeywordDefinition } from 'ajv';
import type { DataValidationCxt } from 'ajv/dist/types';

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 86_400_000;

/** Days since the epoch, or undefined for anything but a real calendar date. */
function dayNumber(value: unknown): number | undefined {
  if (typeof value !== 'string' || !ISO_DATE.test(value)) return undefined;
  const ms = Date.parse(`${value}T00:00:00Z`);
  // Date.parse rolls 2026-02-30 over to March; the round trip catches it.
  if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== value) return undefined;
  return ms / DAY_MS;
}

interface SpanError {
  instancePath: string;
  message: string;
}

function spanErrors(maxDays: number, data: Record<string, unknown>, path: string): SpanError[] {
  const from = dayNumber(data.from);
  const to = dayNumber(data.to);
  // A missing or malformed date already fails `required` or `format`; don't pile on.
  if (from === undefined || to === undefined) return [];
  const days = to - from + 1;
  if (days < 1) return [{ instancePath: `${path}/from`, message: 'must be on or before to' }];
  if (days <= maxDays) return [];
  const span = `${String(data.from)} to ${String(data.to)} is ${days} days`;
  return [{ instancePath: path, message: `must span at most ${maxDays} days (${span})` }];
}

// Ajv reads a validate-style keyword's errors from the function itself; a fresh array each call,
// because Ajv may adopt the array as the validation's error list.
function checkDateSpan(
  schema: { maxDays: number },
  data: Record<string, unknown>,
  _parentSchema?: unknown,
  cxt?: DataValidationCxt,
): boolean {
  checkDateSpan.errors = spanErrors(schema.maxDays, data, cxt?.instancePath ?? '');
  return checkDateSpan.errors.length === 0;
}
checkDateSpan.errors = [] as SpanError[];

/**
 * `x-date-span: { maxDays }` on an object with `from`/`to` dates: from ≤ to and at most maxDays
 * days counting both ends. Other JSON Schema tools ignore `x-` keywords, so served schemas stay valid.
 */
export const dateSpanKeyword: FuncKeywordDefinition = {
  keyword: 'x-date-span',
  type: 'object',
  schemaType: 'object',
  metaSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['maxDays'],
    properties: { maxDays: { type: 'integer', minimum: 1 } },
  },
  errors: true,
  validate: checkDateSpan,
};
