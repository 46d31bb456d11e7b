import { Injectable } from '@nestjs/common';
import { OperationCounters } from 'src/modules/metrics/operation-counters';
import { ExecutionQueue } from 'src/queue/execution-queue';
import { DispatchRepository, DispatchedExecution } from './dispatch.repository';

/** Organizations looked at per pass; the rotation reaches the rest in the next passes. */
const ORGS_PER_PASS = 1000;
/** Runs dispatched per pass at most, so one pass stays short; the rotation keeps it fair. */
const RUNS_PER_PASS = 2000;

export interface DispatchResult {
  dispatched: number;
  /** False when Redis did not take them: they stay dispatched and the reconciler enqueues them. */
  enqueued: boolean;
}

/**
 * Fair share for generation. Scheduled executions are created `pending` and wait in the
 * database; each pass goes round the organizations that have waiting runs, starting after the
 * one the previous pass began with, and gives each as many runs as its
 * `max_concurrent_generations` leaves free. Only those are put on the queue, so one
 * organization's 5,000 due reports hold at most its cap of places on the queue, and another's
 * single report goes on right behind them. Safe in many scheduler processes at once (see
 * DispatchRepository.claimForOrg); run-now does not wait for it (dispatched at creation).
 */
@Injectable()
export class GenerationDispatcher {
  /** The organization the next pass starts after. */
  private cursor: string | undefined;

  constructor(
    private readonly repository: DispatchRepository,
    private readonly queue: ExecutionQueue,
    private readonly counters: OperationCounters,
  ) {}

  async dispatch(): Promise<DispatchResult> {
    const orgs = rotate(await this.repository.findWaitingOrgs(ORGS_PER_PASS), this.cursor);
    if (orgs.length === 0) return { dispatched: 0, enqueued: true };
    this.cursor = orgs[0];
    const result: DispatchResult = { dispatched: 0, enqueued: true };
    const enqueues: Promise<boolean>[] = [];
    for (const orgId of orgs) {
      const budget = RUNS_PER_PASS - result.dispatched;
      if (budget <= 0) break;
      const claimed = await this.repository.claimForOrg(orgId, budget);
      if (claimed.length === 0) continue;
      result.dispatched += claimed.length;
      enqueues.push(this.enqueue(claimed));
    }
    result.enqueued = (await Promise.all(enqueues)).every(Boolean);
    return result;
  }

  private async enqueue(runs: DispatchedExecution[]): Promise<boolean> {
    const manual = runs.filter((r) => r.trigger === 'manual');
    const scheduled = runs.filter((r) => r.trigger !== 'manual');
    this.counters.countDispatched('manual', manual.length);
    this.counters.countDispatched('schedule', scheduled.length);
    const [a, b] = await Promise.all([
      this.queue.enqueue(manual, 'manual'),
      this.queue.enqueue(scheduled, 'scheduled'),
    ]);
    return a && b;
  }
}

/** The organizations after `cursor` first, then the ones up to it: each pass starts one further. */
export function rotate(orgs: string[], cursor: string | undefined): string[] {
  if (cursor === undefined) return orgs;
  const at = orgs.findIndex((org) => org > cursor);
  return at <= 0 ? orgs : [...orgs.slice(at), ...orgs.slice(0, at)];
}
