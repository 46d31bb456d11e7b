import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { PoolClient } from 'pg';
import QueryStream from 'pg-query-stream';
import type { Readable } from 'node:stream';
import { DataSource } from 'typeorm';
import type { ReportQuery } from './report-query';

const RAW_TEXT = { getTypeParser: () => (value: string) => value };

/**
 * Runs a report query as a point-in-time read: one read-only REPEATABLE READ transaction,
 * rows streamed through a cursor in batches (never an array of all rows), and the
 * transaction's start time returned as "data as of".
 */
@Injectable()
export class ReportDataReader {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * `array` rows carry the database's own text for every value (no type parsing): the CSV
   * path writes them as they are. `object` rows are typed, for XLSX and PDF.
   */
  async read<T>(
    query: ReportQuery,
    consume: (rows: Readable, dataAsOf: Date) => Promise<T>,
    rowMode: 'array' | 'object' = 'object',
  ): Promise<T> {
    const runner = this.dataSource.createQueryRunner('slave');
    await runner.connect();
    const client = (runner as unknown as { databaseConnection: PoolClient }).databaseConnection;
    try {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      const { rows } = await client.query<{ as_of: Date }>('SELECT now() AS as_of');
      const stream = client.query(
        new QueryStream(query.sql, query.params, {
          batchSize: 1000,
          highWaterMark: 1000,
          ...(rowMode === 'array' ? { rowMode: 'array' as const, types: RAW_TEXT } : {}),
        }),
      );
      const result = await consume(stream, rows[0].as_of);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      await runner.release();
    }
  }
}
