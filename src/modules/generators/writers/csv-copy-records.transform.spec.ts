import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { PermanentGenerationError } from 'src/modules/generators/generation.errors';
import { CsvCopyRecordsTransform } from './csv-copy-records.transform';

// As COPY (FORMAT csv) writes it: LF after every record, quotes doubled inside quoted fields.
const COPY_OUTPUT = Buffer.from(
  ['a,1', '"two\nlines",2', '"say ""hi""\r\n,x",3', ',', '"""\n""",4', 'Zoë 東京,5', ''].join('\n'),
);
const EXPECTED = ['a,1', '"two\nlines",2', '"say ""hi""\r\n,x",3', ',', '"""\n""",4', 'Zoë 東京,5']
  .map((record) => `\r\n${record}`)
  .join('');

async function run(chunks: Buffer[], maxRows = 100) {
  const transform = new CsvCopyRecordsTransform(maxRows);
  const bytes = await buffer(Readable.from(chunks).pipe(transform));
  return { text: bytes.toString('utf8'), rows: transform.rows };
}

describe('CsvCopyRecordsTransform', () => {
  it('puts CRLF before each record and none after the last, counting records', async () => {
    expect(await run([COPY_OUTPUT])).toEqual({ text: EXPECTED, rows: 6 });
  });

  it('gives the same output however the input is split', async () => {
    for (let cut = 0; cut <= COPY_OUTPUT.length; cut += 1) {
      const parts = [COPY_OUTPUT.subarray(0, cut), COPY_OUTPUT.subarray(cut)];
      expect(await run(parts)).toEqual({ text: EXPECTED, rows: 6 });
    }
    const bytes = [...COPY_OUTPUT].map((b) => Buffer.from([b]));
    expect(await run(bytes)).toEqual({ text: EXPECTED, rows: 6 });
  });

  it('writes nothing for no records', async () => {
    expect(await run([])).toEqual({ text: '', rows: 0 });
  });

  it('fails past the maximum', async () => {
    await expect(run([COPY_OUTPUT], 6)).resolves.toMatchObject({ rows: 6 });
    const failed = run([COPY_OUTPUT], 5);
    await expect(failed).rejects.toThrow(PermanentGenerationError);
    await expect(failed).rejects.toThrow('the report has more than 5 rows');
  });
});
