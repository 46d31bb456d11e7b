import { Registry } from 'prom-client';
import { DataSource } from 'typeorm';
import { gaugeFrom, Labels, PERCENTILES_SQL, quantileSeries, sharedRead } from './gauge-from';

/**
 * What the workers did in the last hour: generation time and rows by report type and format,
 * and delivery lag (file ready → peer accepted) by channel.
 */
export function registerWorkMetrics(registry: Registry, db: DataSource): void {
  type Generation = { labels: Labels; seconds: number[]; rows: number; runs: number };
  const generations = sharedRead(async (): Promise<Generation[]> => {
    const rows: {
      report_type: string;
      output_format: string;
      seconds: number[];
      rows: string;
      runs: number;
    }[] = await db.query(
      `SELECT s.report_type, s.output_format, count(*)::int AS runs,
              percentile_cont(${PERCENTILES_SQL}) WITHIN GROUP (ORDER BY e.execution_time_ms / 1000.0) AS seconds,
              coalesce(sum((e.metadata->>'rows_generated')::bigint), 0) AS rows
         FROM report_executions e JOIN scheduled_reports s ON s.id = e.scheduled_report_id
        WHERE e.created_at > now() - interval '1 hour' AND e.status = 'completed'
          AND e.execution_time_ms IS NOT NULL
        GROUP BY s.report_type, s.output_format`,
    );
    return rows.map((row) => ({
      labels: { report_type: row.report_type, output_format: row.output_format },
      seconds: row.seconds,
      rows: Number(row.rows),
      runs: row.runs,
    }));
  });

  gaugeFrom(
    registry,
    'scheduled_reports_generation_seconds',
    'Completed generations of the last hour: duration by report type, format and quantile',
    ['report_type', 'output_format', 'quantile'],
    async () => (await generations()).flatMap((g) => quantileSeries(g.labels, g.seconds)),
  );
  gaugeFrom(
    registry,
    'scheduled_reports_generated_rows_last_hour',
    'Rows written by completed generations of the last hour, by report type and format',
    ['report_type', 'output_format'],
    async () => (await generations()).map((g) => [g.labels, g.rows]),
  );
  gaugeFrom(
    registry,
    'scheduled_reports_generations_last_hour',
    'Completed generations of the last hour, by report type and format',
    ['report_type', 'output_format'],
    async () => (await generations()).map((g) => [g.labels, g.runs]),
  );
  gaugeFrom(
    registry,
    'scheduled_reports_delivery_lag_seconds',
    'Deliveries of the last hour: seconds from the file being ready to the peer accepting it',
    ['channel', 'quantile'],
    async () => {
      const rows: { channel: string; lag: number[] }[] = await db.query(
        `SELECT d.recipient_type AS channel,
                percentile_cont(${PERCENTILES_SQL}) WITHIN GROUP
                  (ORDER BY extract(epoch FROM d.delivered_at - e.completed_at)) AS lag
           FROM report_deliveries d JOIN report_executions e ON e.id = d.report_execution_id
          WHERE d.created_at > now() - interval '1 hour' AND d.status = 'sent'
            AND d.delivered_at IS NOT NULL
          GROUP BY d.recipient_type`,
      );
      return rows.flatMap((row) => quantileSeries({ channel: row.channel }, row.lag));
    },
  );
}
