import { inlineParameters, sqlLiteral } from './inline-parameters';

describe('inlineParameters', () => {
  it('replaces each placeholder with its value as a quoted literal', () => {
    expect(inlineParameters('SELECT $1, $2, $10', [...'ab'.split(''), ...Array(7), 'j'])).toBe(
      "SELECT 'a', 'b', 'j'",
    );
  });

  it('quotes values so none can end the literal', () => {
    const hostile = `x'); DROP TABLE invoices; --`;
    expect(sqlLiteral(hostile)).toBe(`'x''); DROP TABLE invoices; --'`);
    expect(sqlLiteral('back\\slash')).toBe(` E'back\\\\slash'`);
    expect(sqlLiteral("\\'")).toBe(` E'\\\\'''`);
  });

  it('writes numbers, booleans, dates and arrays as pg would send them', () => {
    expect(sqlLiteral(-12.5)).toBe(`'-12.5'`);
    expect(sqlLiteral(true)).toBe(`'true'`);
    expect(sqlLiteral(new Date('2026-03-01T00:00:00Z'))).toBe(`'2026-03-01T00:00:00.000Z'`);
    expect(sqlLiteral(['open', 'a "b"', 'c\\d', null])).toBe(
      ` E'{"open","a \\\\"b\\\\"","c\\\\\\\\d",NULL}'`,
    );
    expect(sqlLiteral(null)).toBe('NULL');
    expect(sqlLiteral(undefined)).toBe('NULL');
  });

  it('leaves $n inside string literals, quoted identifiers and identifiers alone', () => {
    expect(
      inlineParameters(`SELECT '$1 it''s $2', "col$1", a$1, $1 FROM t WHERE x = $2`, ['v', 'w']),
    ).toBe(`SELECT '$1 it''s $2', "col$1", a$1, 'v' FROM t WHERE x = 'w'`);
  });

  it('does not look again at inlined text', () => {
    expect(inlineParameters('SELECT $1, $2', ['$2', 'x'])).toBe(`SELECT '$2', 'x'`);
  });

  it('refuses placeholders without a value and values it cannot write safely', () => {
    expect(() => inlineParameters('SELECT $2', ['a'])).toThrow(/\$2/);
    expect(() => inlineParameters('SELECT $0', ['a'])).toThrow(/\$0/);
    expect(() => sqlLiteral({ a: 1 })).toThrow(/object/);
    expect(() => sqlLiteral(Number.NaN)).toThrow(/NaN/);
    expect(() => sqlLiteral(new Date('nope'))).toThrow(/invalid date/);
  });
});
