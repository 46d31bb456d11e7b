import { inlineParameters } from './inline-parameters';
import type { ReportQuery } from './report-query';

/*
 * Spreadsheets run a cell starting with = + - @, TAB or CR as a formula; those text cells get a
 * leading quote (the rule of neutralize-formula.ts, in SQL). ascii() reads the first character
 * without copying the string, which keeps the wrapper close to the cost of COPY itself.
 */
const FORMULA_START_CODES = '9, 13, 43, 45, 61, 64';

/**
 * `COPY (…) TO STDOUT (FORMAT csv)` of a report query: its rows in RFC 4180 quoting, text cells
 * neutralised against formula injection, other columns in the database's own text (numbers
 * stay numbers). No header (the writer adds the column labels) and LF line ends (the writer
 * turns them into CRLF while it counts records).
 *
 * The provider's query becomes a subquery whose columns are renamed by position (`q(c1, …)`),
 * as the declared columns are positional; a query with fewer columns than declared fails.
 */
export function csvCopySql(query: ReportQuery): string {
  const names = query.columns.map((_column, i) => `c${i + 1}`);
  const cells = query.columns.map((column, i) => {
    const cell = `q.${names[i]}`;
    if (column.type !== 'string') return cell;
    const text = `${cell}::text`;
    // COPY quotes an empty string ("") to tell it from NULL; the CSV writes both as nothing.
    return `CASE WHEN ascii(${text}) IN (${FORMULA_START_CODES}) THEN '''' || ${text} ELSE NULLIF(${text}, '') END`;
  });
  const select = `SELECT ${cells.join(', ')} FROM (${inlineParameters(query.sql, query.params)}) AS q(${names.join(', ')})`;
  return `COPY (${select}) TO STDOUT (FORMAT csv)`;
}
