// Spreadsheets run a cell starting with one of these as a formula (CSV/formula injection).
const FORMULA_START = /^[=+\-@\t\r]/;

/** Prefixes `'` to text that a spreadsheet would treat as a formula; other text is unchanged. */
export function neutralizeFormula(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}
