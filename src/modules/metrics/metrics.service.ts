import { InjectQueue } from '@nestjs/bull';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Queue } from 'bull';
import { collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import { DataSource } from 'typeorm';
import { DELIVERY_STATUSES, EXECUTION_STATUSES, RECIPIENT_TYPES } from 'src/domain/vocabulary';
import { DELIVERY_QUEUE, GENERATION_QUEUE } from 'src/queue/queue.constants';
import { registerPipelineMetrics } from './collectors/pipeline.collector';
import { registerQueueMetrics } from './collectors/queue.collector';
import { registerWorkMetrics } from './collectors/work.collector';
import { OperationCounters } from './operation-counters';

/**
 * Prometheus metrics: process defaults plus what an operator runs on — executions and deliveries
 * by status, schedules overdue, slot lag, queue depth and age, generation and delivery figures,
 * per-org load, auto-pauses — read from the database (and Bull for queue depth) at scrape time,
 * so every process reports the same numbers. docs/operations.md lists them with the alerts.
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectQueue(GENERATION_QUEUE) generationQueue: Queue,
    @InjectQueue(DELIVERY_QUEUE) deliveryQueue: Queue,
    counters: OperationCounters,
  ) {
    collectDefaultMetrics({ register: this.registry, prefix: 'scheduled_reports_' });
    for (const counter of counters.all()) this.registry.registerMetric(counter);
    registerPipelineMetrics(this.registry, dataSource);
    registerWorkMetrics(this.registry, dataSource);
    registerQueueMetrics(this.registry, { generation: generationQueue, delivery: deliveryQueue });
    const executions = new Gauge({
      name: 'scheduled_reports_executions',
      help: 'Report executions by status (last 24 hours)',
      labelNames: ['status'],
      registers: [this.registry],
      collect: async () => {
        const rows: { status: string; n: number }[] = await this.dataSource.query(
          `SELECT status, count(*)::int AS n FROM report_executions
            WHERE created_at > now() - interval '24 hours' GROUP BY status`,
        );
        executions.reset();
        for (const status of EXECUTION_STATUSES) {
          executions.set({ status }, rows.find((r) => r.status === status)?.n ?? 0);
        }
      },
    });
    const deliveries = new Gauge({
      name: 'scheduled_reports_deliveries',
      help: 'Deliveries by recipient type and status (last 24 hours); pending is the backlog',
      labelNames: ['recipient_type', 'status'],
      registers: [this.registry],
      collect: async () => {
        const rows: { recipient_type: string; status: string; n: number }[] =
          await this.dataSource.query(
            `SELECT recipient_type, status, count(*)::int AS n FROM report_deliveries
              WHERE created_at > now() - interval '24 hours' GROUP BY recipient_type, status`,
          );
        deliveries.reset();
        for (const type of RECIPIENT_TYPES) {
          for (const status of DELIVERY_STATUSES) {
            const n = rows.find((r) => r.recipient_type === type && r.status === status)?.n ?? 0;
            deliveries.set({ recipient_type: type, status }, n);
          }
        }
      },
    });
    const overdue = new Gauge({
      name: 'scheduled_reports_schedules_overdue',
      help: 'Active schedules whose next run is more than a minute late',
      registers: [this.registry],
      collect: async () => {
        const [row] = await this.dataSource.query(
          `SELECT count(*)::int AS n FROM scheduled_reports
            WHERE status = 'active' AND deleted_at IS NULL AND next_run_at < now() - interval '1 minute'`,
        );
        overdue.set(row.n);
      },
    });
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }
}
