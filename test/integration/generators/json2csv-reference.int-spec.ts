import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import type { ReportColumn } from 'src/modules/generators/report-types/report-type-provider';
import { json2csvReferenceWriter } from 'test/utils/json2csv-reference.writer';

const columns: ReportColumn[] = [
  { key: 'name', header: 'Name', type: 'string' },
  { key: 'amount', header: 'Amount, USD', type: 'money' },
];

const render = (rows: object[]) => text(Readable.from(rows).pipe(json2csvReferenceWriter(columns)));

// The reference the worker's COPY output is compared with (csv-copy.int-spec.ts) must be right itself.
describe('json2csvReferenceWriter', () => {
  it('writes a header and CRLF-terminated RFC 4180 rows', async () => {
    const csv = await render([
      { name: 'Acme', amount: '12.50' },
      { name: 'Quote "Co", Ltd\nsecond line', amount: '-3.00' },
      { name: null, amount: null },
    ]);
    expect(csv).toBe(
      'Name,"Amount, USD"\r\nAcme,12.50\r\n"Quote ""Co"", Ltd\nsecond line",-3.00\r\n,',
    );
  });

  it('neutralises formula injection in text but leaves numbers alone', async () => {
    const csv = await render([
      { name: '=HYPERLINK("http://x")', amount: '-5.00' },
      { name: '+cmd', amount: '1' },
      { name: '-2+3', amount: '2' },
      { name: '@SUM(A1)', amount: '3' },
      { name: '\tTabbed', amount: '4' },
      { name: '\rCR', amount: '5' },
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
});
