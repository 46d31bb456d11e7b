import { Readable } from 'node:stream';
import { buffer, text } from 'node:stream/consumers';
import type { ReportColumn } from 'src/modules/generators/report-types/report-type-provider';
import { CsvRowsWriter } from './csv-rows.writer';

const columns: ReportColumn[] = [
  { key: 'name', header: 'Name', type: 'string' },
  { key: 'amount', header: 'Amount, USD', type: 'money' },
];

const render = (rows: (string | null)[][], bom = false) =>
  text(Readable.from(rows).pipe(new CsvRowsWriter(columns, { bom })));

describe('CsvRowsWriter', () => {
  it('writes a header and CRLF-separated RFC 4180 rows, empty cells for nulls', async () => {
    const csv = await render([
      ['Acme', '12.50'],
      ['Quote "Co", Ltd\nsecond line', '-3.00'],
      [null, null],
    ]);
    expect(csv).toBe(
      'Name,"Amount, USD"\r\nAcme,12.50\r\n"Quote ""Co"", Ltd\nsecond line",-3.00\r\n,',
    );
  });

  it('neutralises formula injection in text but leaves numbers alone', async () => {
    const csv = await render([
      ['=HYPERLINK("http://x")', '-5.00'],
      ['+cmd', '1'],
      ['-2+3', '2'],
      ['@SUM(A1)', '3'],
      ['\tTabbed', '4'],
      ['\rCR', '5'],
    ]);
    const lines = csv.split('\r\n');
    expect(lines.slice(1, 5)).toEqual([
      `"'=HYPERLINK(""http://x"")",-5.00`,
      "'+cmd,1",
      "'-2+3,2",
      "'@SUM(A1),3",
    ]);
    expect(lines[5]).toBe("'\tTabbed,4");
    expect(csv).toContain(`"'\rCR",5`);
  });

  it('can start with a UTF-8 BOM for Excel, and batches many rows into large chunks', async () => {
    const bytes = await buffer(
      Readable.from([['Zoë', '1']]).pipe(new CsvRowsWriter(columns, { bom: true })),
    );
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const many = Array.from({ length: 20_000 }, (_, i) => [`name ${i}`, `${i}.00`]);
    const chunks: Buffer[] = [];
    for await (const chunk of Readable.from(many).pipe(new CsvRowsWriter(columns)))
      chunks.push(chunk as Buffer);
    expect(chunks.length).toBeLessThan(20);
    expect(Buffer.concat(chunks).toString().split('\r\n')).toHaveLength(20_001);
  });
});
