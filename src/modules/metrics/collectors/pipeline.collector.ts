import { Registry } from 'prom-client';
import { DataSource } from 'typeorm';
import { gaugeFrom, Labels, PERCENTILES_SQL, quantileSeries } from './gauge-from';

/** Recent window the lag figures cover: long enough to hold a 09:00 burst, short enough to move. */
const WINDOW = `interval '1 hour'`;

/**
 * The schedule's promise, measured: how late scheduled runs start and complete after their slot,
 * and how long the oldest queued work has been waiting, per queue and priority. Read from the
 * runs' own rows (through the created_at and pending indexes), so every process reports the same.
 */
export function registerPipelineMetrics(registry: Registry, db: DataSource): void {
  gaugeFrom(
    registry,
    'scheduled_reports_slot_lag_seconds',
    'Scheduled runs of the last hour: seconds from the slot to started / completed, by quantile',
    ['stage', 'quantile'],
    async () => {
      const [row]: { started: number[] | null; completed: number[] | null }[] = await db.query(
        `SELECT percentile_cont(${PERCENTILES_SQL}) WITHIN GROUP
                  (ORDER BY extract(epoch FROM started_at - scheduled_for)) AS started,
                percentile_cont(${PERCENTILES_SQL}) WITHIN GROUP
                  (ORDER BY extract(epoch FROM completed_at - scheduled_for))
                  FILTER (WHERE status = 'completed') AS completed
           FROM report_executions
          WHERE created_at > now() - ${WINDOW} AND trigger = 'schedule' AND started_at IS NOT NULL`,
      );
      return [
        ...quantileSeries({ stage: 'started' }, row?.started ?? null),
        ...quantileSeries({ stage: 'completed' }, row?.completed ?? null),
      ];
    },
  );
  gaugeFrom(
    registry,
    'scheduled_reports_oldest_pending_seconds',
    'Age of the oldest work not yet started, by queue and priority (0: nothing waiting)',
    ['queue', 'priority'],
    async () => {
      const generations: { trigger: string; age: number }[] = await db.query(
        `SELECT trigger, extract(epoch FROM now() - min(created_at))::float8 AS age
           FROM report_executions WHERE status = 'pending' GROUP BY trigger`,
      );
      const [deliveries]: { age: number | null }[] = await db.query(
        `SELECT extract(epoch FROM now() - min(created_at))::float8 AS age
           FROM report_deliveries WHERE status = 'pending'`,
      );
      const age = (trigger: string) => generations.find((g) => g.trigger === trigger)?.age ?? 0;
      const series: [Labels, number][] = [
        [{ queue: 'generation', priority: 'manual' }, age('manual')],
        [{ queue: 'generation', priority: 'scheduled' }, age('schedule')],
        [{ queue: 'delivery', priority: 'normal' }, deliveries?.age ?? 0],
      ];
      return series;
    },
  );
  gaugeFrom(
    registry,
    'scheduled_reports_in_flight',
    'Runs pending or running per organization (the 20 busiest), for fairness at a glance',
    ['organization_id'],
    async () => {
      const rows: { organization_id: string; n: number }[] = await db.query(
        `SELECT organization_id, count(*)::int AS n FROM report_executions
          WHERE status IN ('pending', 'running') AND created_at > now() - interval '1 day'
          GROUP BY organization_id ORDER BY n DESC LIMIT 20`,
      );
      return rows.map((r) => [{ organization_id: r.organization_id }, r.n]);
    },
  );
  gaugeFrom(
    registry,
    'scheduled_reports_generations_in_flight',
    "Generations holding one of their organization's max_concurrent_generations slots (queued or running), per organization (the 20 busiest)",
    ['organization_id'],
    async () => {
      const rows: { organization_id: string; n: number }[] = await db.query(
        `SELECT organization_id, count(*)::int AS n FROM report_executions
          WHERE status IN ('pending', 'running') AND dispatched_at IS NOT NULL
          GROUP BY organization_id ORDER BY n DESC LIMIT 20`,
      );
      return rows.map((r) => [{ organization_id: r.organization_id }, r.n]);
    },
  );
  gaugeFrom(
    registry,
    'scheduled_reports_generations_waiting',
    'Runs waiting for a generation slot of their organization (not yet queued), per organization (the 20 busiest)',
    ['organization_id'],
    async () => {
      const rows: { organization_id: string; n: number }[] = await db.query(
        `SELECT organization_id, count(*)::int AS n FROM report_executions
          WHERE status = 'pending' AND dispatched_at IS NULL
          GROUP BY organization_id ORDER BY n DESC LIMIT 20`,
      );
      return rows.map((r) => [{ organization_id: r.organization_id }, r.n]);
    },
  );
  gaugeFrom(
    registry,
    'scheduled_reports_auto_pauses_last_hour',
    'Schedules the service paused by itself in the last hour (repeated failures, revoked access)',
    [],
    async () => {
      const [row]: { n: number }[] = await db.query(
        `SELECT count(*)::int AS n FROM notices
          WHERE kind = 'schedule_paused' AND created_at > now() - ${WINDOW}`,
      );
      return [[{}, row.n]];
    },
  );
}
