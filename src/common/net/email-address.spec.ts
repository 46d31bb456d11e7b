import { emailDomain, isPlainEmailAddress } from './email-address';

describe('isPlainEmailAddress', () => {
  it.each([
    'finance@acme.example',
    'Jit@Members.example',
    'first.last+reports@sub.acme.example',
    "o'brien@acme.example",
    'a_b-c=d@acme-corp.example',
    'user@xn--bcher-kva.example',
    'x@a.io',
  ])('accepts %s', (value) => {
    expect(isPlainEmailAddress(value)).toBe(true);
  });

  it.each([
    ['a list', 'a@acme.example,attacker@evil.test'],
    ['a list with a space', 'a@acme.example attacker@evil.test'],
    ['a semicolon list', 'a@acme.example;attacker@evil.test'],
    ['a quoted local part', '"c@evil.com"@acme.example'],
    ['a quoted local part without @', '"c"@acme.example'],
    ['a display name', 'Ana <ana@acme.example>'],
    ['angle brackets', '<ana@acme.example>'],
    ['a comment', 'ana(comment)@acme.example'],
    ['a comment hiding a domain', 'ana@evil.test(@acme.example)'],
    ['CR/LF', 'ana@acme.example\r\nBcc: x@evil.test'],
    ['a trailing newline', 'ana@acme.example\n'],
    ['a NUL byte', 'ana\u0000@acme.example'],
    ['the percent hack', 'victim%evil.test@acme.example'],
    ['a bang path', 'evil.test!victim@acme.example'],
    ['an IP-literal domain', 'ana@[127.0.0.1]'],
    ['a single-label domain', 'ana@localhost'],
    ['a numeric top label', 'ana@10.0.0.1'],
    ['a leading dot', '.ana@acme.example'],
    ['a double dot', 'a..na@acme.example'],
    ['a trailing dot in the domain', 'ana@acme.example.'],
    ['a non-ASCII local part', 'jösé@acme.example'],
    ['a non-ASCII domain', 'ana@bücher.example'],
    ['no local part', '@acme.example'],
    ['no domain', 'ana@'],
    ['two @', 'ana@evil.test@acme.example'],
    ['an over-long local part', `${'a'.repeat(65)}@acme.example`],
    ['a label starting with a hyphen', 'ana@-acme.example'],
    ['a backslash', 'an\\a@acme.example'],
    ['an empty string', ''],
  ])('refuses %s', (_label, value) => {
    expect(isPlainEmailAddress(value)).toBe(false);
  });

  it('refuses what is not a string', () => {
    expect(isPlainEmailAddress(['a@acme.example'])).toBe(false);
    expect(isPlainEmailAddress(undefined)).toBe(false);
  });

  it('names the real domain', () => {
    expect(emailDomain('Ana@Sub.Acme.Example')).toBe('sub.acme.example');
    expect(emailDomain('"c@evil.com"@acme.example')).toBeNull();
  });
});
