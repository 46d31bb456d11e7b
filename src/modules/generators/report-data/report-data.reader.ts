import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { PoolClient } from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import QueryStream from 'pg-query-stream';
import type { Readable } from 'node:stream';
import { DataSource } from 'typeorm';
import { ConnectionLostError } from '../generation.errors';
import { csvCopySql } from './csv-copy.query';
import type { ReportQuery } from './report-query';

/**
 * Object rows fetched per cursor read. Small on purpose: while a batch waits for a slow writer
 * (XLSX), the young-generation GC runs several times and promotes the waiting rows, so at 1,000
 * the old generation filled with dead rows and the worker's RSS grew with the row count (XLSX:
 * +88 MB at 100K rows, +136 MB at 1M). At 100: +18 MB at 100K, +26 MB at 1M (250 was as flat,
 * 500 grew again), at the same speed against a local database.
 */
const OBJECT_BATCH_ROWS = 100;

/** What bounds a read: the caller's abort, and the server's own statement timeout. */
export interface ReadLimits {
  /** Aborting cancels the query on the server and ends the read. */
  signal?: AbortSignal;
  /** `statement_timeout` of the read: the server stops the query even if this process hangs. */
  timeoutMs?: number;
}

/**
 * Runs a report query as a point-in-time read: one read-only REPEATABLE READ transaction,
 * rows streamed with back-pressure (never an array of all rows), and the transaction's start
 * time returned as "data as of".
 */
@Injectable()
export class ReportDataReader {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * `object` rows are typed and come through a cursor in batches, for XLSX and PDF.
   * `csv-copy` is the bytes of `COPY (the query, neutralised) TO STDOUT (FORMAT csv)` in the
   * same snapshot, for CSV (see csvCopySql).
   */
  async read<T>(
    query: ReportQuery,
    consume: (rows: Readable, dataAsOf: Date) => Promise<T>,
    mode: 'csv-copy' | 'object' = 'object',
    limits: ReadLimits = {},
  ): Promise<T> {
    limits.signal?.throwIfAborted();
    const runner = this.dataSource.createQueryRunner('slave');
    await runner.connect();
    const client = (runner as unknown as { databaseConnection: PoolClient }).databaseConnection;
    let copying = false;
    let stream: Readable | undefined;
    // A connection that dies mid-read (PostgreSQL restarted) does not end the row stream by
    // itself: its cleanup waits for an answer from the dead server. The read fails at once,
    // as a loss another attempt can retry.
    let lost: ConnectionLostError | undefined;
    const onLost = (error?: Error) => {
      if (lost) return;
      lost = new ConnectionLostError(error instanceof Error ? error : undefined);
      stream?.destroy(lost);
    };
    client.on('error', onLost);
    client.on('end', onLost);
    const cancel = () => void this.cancel(client);
    limits.signal?.addEventListener('abort', cancel, { once: true });
    try {
      // One COPY streams a whole report, and the snapshot idles while a slow writer catches up:
      // the pool's statement and idle limits are for short work; the report's own timeout (the
      // generation timeout, when given) bounds its statements instead. Sent with BEGIN as one
      // message: as two, the session sat idle in its transaction between them, and a busy host
      // let the pool's idle limit end it there.
      await client.query(
        'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY; ' +
          `SET LOCAL statement_timeout = ${limits.timeoutMs ? Math.max(1, Math.ceil(limits.timeoutMs)) : 0}; ` +
          'SET LOCAL idle_in_transaction_session_timeout = 0',
      );
      const { rows } = await client.query<{ as_of: Date }>('SELECT now() AS as_of');
      if (mode === 'csv-copy') {
        stream = client.query(copyTo(csvCopySql(query)));
        copying = true;
        stream.once('end', () => (copying = false));
        // Once the connection is closed under it (below), pg reports that on the stream even
        // after the pipeline has let go of it; unheard, that error would end the process.
        stream.on('error', () => undefined);
      } else {
        stream = client.query(
          new QueryStream(query.sql, query.params, {
            batchSize: OBJECT_BATCH_ROWS,
            highWaterMark: OBJECT_BATCH_ROWS,
          }),
        );
      }
      settleWithoutServer(stream, () => lost);
      if (lost) stream.destroy(lost);
      const result = await consume(stream, rows[0].as_of);
      // A consumer that stopped reading early: a read-only snapshot needs no COMMIT.
      if (copying) await closeConnection(client);
      else await client.query('COMMIT');
      return result;
    } catch (error) {
      if (lost) throw lost;
      if (copying) {
        await closeConnection(client);
      } else {
        await client.query('ROLLBACK').catch(() => undefined);
      }
      throw error;
    } finally {
      limits.signal?.removeEventListener('abort', cancel);
      client.off('error', onLost);
      client.off('end', onLost);
      await runner.release();
    }
  }

  /**
   * Stops the read's statement on the server from another connection: closing our own socket
   * alone does not stop a query that sorts or aggregates before its first row.
   */
  private async cancel(client: PoolClient): Promise<void> {
    const pid = (client as unknown as { processID?: number }).processID;
    if (pid) {
      await this.dataSource.query('SELECT pg_cancel_backend($1)', [pid]).catch(() => undefined);
    }
  }
}

/**
 * A row stream's own destroy closes its cursor and waits for the server to confirm, which a dead
 * connection never does: once the connection is lost, destroying it just reports the loss.
 */
function settleWithoutServer(stream: Readable, lost: () => Error | undefined): void {
  const destroy = stream._destroy.bind(stream);
  stream._destroy = (error, callback) => {
    const loss = lost();
    if (loss) callback(loss);
    else destroy(error, callback);
  };
}

/*
 * A COPY cut short (row limit, timeout, storage error) cannot be stopped in the protocol: the
 * server keeps sending until it is done, and a COMMIT or ROLLBACK would queue behind it forever.
 * Closing the connection (pg destroys the socket of a client with a query in flight) ends the
 * statement; the pool drops that client when it is released and opens a fresh one.
 */
async function closeConnection(client: PoolClient): Promise<void> {
  await client.end().catch(() => undefined);
}
