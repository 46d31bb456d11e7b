import { escapeLiteral } from 'pg';

// A quoted string or identifier (skipped whole, so a `$1` inside one is left alone), or a
// placeholder that is not the tail of an identifier (`a$1` is a name in PostgreSQL).
const TOKENS = /'(?:[^']|'')*'|"(?:[^"]|"")*"|(?<![\w$])\$(\d+)/g;

/**
 * The SQL with every `$n` replaced by its value as a quoted literal, for statements that take
 * no bind parameters (COPY). Safe because:
 * - the values come from a provider's ReportQuery, built from parameters the JSON Schema
 *   validated; nothing else is inlined, and the SQL text around them is the provider's own;
 * - each value is written as a quoted literal through pg's escapeLiteral (quotes doubled,
 *   backslashes doubled under E''), so no value can end the literal, whatever it holds;
 * - a quoted literal has type unknown until its context resolves it, exactly as pg's untyped
 *   bind parameters do, and holds the same text pg would have sent (`{…}` for arrays), so
 *   `$3::uuid[]`, `= $1` or `date_trunc($2, …)` mean what they meant with bind parameters;
 * - a value of any other kind (objects, non-finite numbers) is refused, never stringified.
 */
export function inlineParameters(sql: string, params: readonly unknown[]): string {
  return sql.replace(TOKENS, (token: string, index?: string) => {
    if (index === undefined) return token;
    const position = Number(index) - 1;
    if (position < 0 || position >= params.length) {
      throw new Error(`the query refers to $${index} but has ${params.length} parameters`);
    }
    return sqlLiteral(params[position]);
  });
}

/** One bind value as a SQL literal of unknown type; NULL for null and undefined. */
export function sqlLiteral(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  return escapeLiteral(literalText(value));
}

/** The text pg itself would send for the value (see pg's prepareValue). */
function literalText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`cannot inline the number ${value}`);
    return String(value);
  }
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new Error('cannot inline an invalid date');
    return value.toISOString();
  }
  if (Array.isArray(value)) return arrayText(value);
  throw new Error(`cannot inline a parameter of type ${typeof value}`);
}

/** A PostgreSQL array literal: `{"a","b",NULL}`, every element quoted and escaped. */
function arrayText(values: readonly unknown[]): string {
  const items = values.map((item) => {
    if (item === null || item === undefined) return 'NULL';
    if (Array.isArray(item)) return arrayText(item);
    return `"${literalText(item).replace(/[\\"]/g, (c) => `\\${c}`)}"`;
  });
  return `{${items.join(',')}}`;
}
