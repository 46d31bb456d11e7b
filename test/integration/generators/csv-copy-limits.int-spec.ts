import { Readable } from 'node:stream';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from 'src/database/data-source-options';
import { PermanentGenerationError } from 'src/modules/generators/generation.errors';
import type { ReportQuery } from 'src/modules/generators/report-data/report-query';
import { parseCsv } from 'test/utils/parse-csv';
import { workerCsv } from 'test/utils/report-csv';
import { TEST_DATABASE_URL } from 'test/utils/test-env';
import { waitFor } from 'test/utils/wait-for';

jest.setTimeout(60_000);

/*
 * The CSV path's COPY cannot take a LIMIT from the row maximum without a second count, so the
 * writer counts records itself (line breaks inside quoted fields are not records) and a run cut
 * short must close its COPY rather than leave it streaming into a connection nobody reads.
 */

const MULTILINE = ['a\nb', 'c\r\nd', 'quote "x\ny"', 'plain', '\n', '"\n"'];
let dataSource: DataSource;
let observer: Client;

/** `count` rows whose text cells hold line breaks and quotes. */
function multilineRows(count: number): ReportQuery {
  return {
    sql: `SELECT ($1::text[])[1 + (i % $2::int)] AS text, i AS n
            FROM generate_series(1, $3::int) AS i ORDER BY i`,
    params: [MULTILINE, MULTILINE.length, count],
    columns: [
      { key: 'text', header: 'Text', type: 'string' },
      { key: 'n', header: 'N', type: 'integer' },
    ],
  };
}

/** COPY statements of the app's pool still running on the server. */
async function runningCopies(): Promise<number> {
  const { rows } = await observer.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM pg_stat_activity
      WHERE datname = current_database() AND query LIKE 'COPY (SELECT%'
        AND state <> 'idle' AND pid <> pg_backend_pid()`,
  );
  return rows[0].n;
}

beforeAll(async () => {
  dataSource = await new DataSource(dataSourceOptions(TEST_DATABASE_URL)).initialize();
  observer = new Client({ connectionString: TEST_DATABASE_URL });
  await observer.connect();
});

afterAll(async () => {
  await dataSource.destroy();
  await observer.end();
});

describe('CSV through COPY: limits and aborts', () => {
  it('counts rows, not line breaks: quoted CR/LF inside a field stay inside its row', async () => {
    const { bytes, rows } = await workerCsv(dataSource, multilineRows(600), { maxRows: 600 });
    expect(rows).toBe(600);
    const [header, ...parsed] = parseCsv(bytes.toString('utf8'));
    expect(header).toEqual(['Text', 'N']);
    expect(parsed).toHaveLength(600);
    expect(parsed[0]).toEqual([MULTILINE[1], '1']);
    expect(parsed[599]).toEqual([MULTILINE[600 % MULTILINE.length], '600']);
    // CRLF between records, none after the last; the LF and CRLF in fields are as stored.
    expect(
      bytes.toString('utf8').startsWith('Text,N\r\n"c\r\nd",1\r\n"quote ""x\ny""",2\r\n'),
    ).toBe(true);
    expect(bytes.toString('utf8').endsWith(',600')).toBe(true);
  });

  it('fails past the maximum, and closes the COPY so the pool stays usable', async () => {
    const run = workerCsv(dataSource, multilineRows(200_000), { maxRows: 599 });
    await expect(run).rejects.toThrow(PermanentGenerationError);
    await expect(run).rejects.toThrow('the report has more than 599 rows');
    await waitFor('the COPY to stop', async () => (await runningCopies()) === 0, 10_000);
    const again = await workerCsv(dataSource, multilineRows(10));
    expect(again.rows).toBe(10);
  });

  it('stops the COPY when the consumer gives up (timeout, storage error)', async () => {
    // As storage does: the upload fails after the first part, and the body is destroyed.
    const consume = async (output: Readable): Promise<Buffer> => {
      for await (const _chunk of output) break;
      output.destroy();
      throw new Error('storage went away');
    };
    const started = Date.now();
    await expect(workerCsv(dataSource, multilineRows(5_000_000), { consume })).rejects.toThrow(
      'storage went away',
    );
    expect(Date.now() - started).toBeLessThan(10_000);
    await waitFor('the COPY to stop', async () => (await runningCopies()) === 0, 10_000);
    expect((await workerCsv(dataSource, multilineRows(3))).rows).toBe(3);
  });

  it('closes the COPY of a consumer that returns before reading to the end', async () => {
    const firstChunk = async (output: Readable): Promise<Buffer> => {
      for await (const chunk of output) return chunk as Buffer;
      return Buffer.alloc(0);
    };
    const { bytes } = await workerCsv(dataSource, multilineRows(5_000_000), {
      consume: firstChunk,
    });
    expect(bytes.toString('utf8')).toMatch(/^Text,N/);
    await waitFor('the COPY to stop', async () => (await runningCopies()) === 0, 10_000);
  });

  it('writes the header alone for no rows, and records after it', async () => {
    const empty = await workerCsv(dataSource, multilineRows(0));
    expect(empty.bytes.toString('utf8')).toBe('Text,N');
    expect(empty.rows).toBe(0);
    const one = await workerCsv(dataSource, multilineRows(1));
    expect(one.bytes.toString('utf8')).toBe('Text,N\r\n"c\r\nd",1');
  });

  it('reports the snapshot time as data as of', async () => {
    const before = Date.now();
    const { dataAsOf } = await workerCsv(dataSource, multilineRows(1));
    expect(dataAsOf.getTime()).toBeGreaterThanOrEqual(before - 1000);
    expect(dataAsOf.getTime()).toBeLessThanOrEqual(Date.now() + 1000);
  });
});
