/**
 * `"column" IN ('a', 'b')` for a check constraint or a partial index, from a vocabulary list, so
 * the schema says exactly what the code's list says. Values are vocabulary constants, never input.
 */
export function sqlIn(column: string, values: readonly string[]): string {
  return `"${column}" IN (${values.map((value) => `'${value}'`).join(', ')})`;
}
