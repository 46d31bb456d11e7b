import { Injectable } from '@nestjs/common';
import { Counter, Metric, Registry } from 'prom-client';

/**
 * Events counted where they happen (the other metrics are read from the database at scrape
 * time): each process counts its own, and Prometheus sums them across processes.
 */
@Injectable()
export class OperationCounters {
  readonly registry = new Registry();

  private readonly dispatched = new Counter({
    name: 'scheduled_reports_generations_dispatched_total',
    help: 'Executions given a generation slot and put on the queue, by trigger',
    labelNames: ['trigger'],
    registers: [this.registry],
  });

  private readonly reconciled = new Counter({
    name: 'scheduled_reports_reconciler_actions_total',
    help: 'What the reconcilers did to rows the queue had lost, by reconciler and action',
    labelNames: ['reconciler', 'action'],
    registers: [this.registry],
  });

  private readonly takeovers = new Counter({
    name: 'scheduled_reports_lease_takeovers_total',
    help: 'Generation attempts that took a run over from an attempt whose lease ran out',
    registers: [this.registry],
  });

  /** The counters, for the /metrics registry. */
  all(): Metric[] {
    return [this.dispatched, this.reconciled, this.takeovers];
  }

  countDispatched(trigger: string, count: number): void {
    if (count > 0) this.dispatched.inc({ trigger }, count);
  }

  countReconciled(reconciler: string, action: string, count = 1): void {
    if (count > 0) this.reconciled.inc({ reconciler, action }, count);
  }

  countTakeover(): void {
    this.takeovers.inc();
  }
}
