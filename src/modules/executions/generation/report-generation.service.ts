import { Inject, Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { AppConfigService } from 'src/config/app-config.service';
import { PermanentGenerationError } from 'src/modules/generators/generation.errors';
import { GeneratedReport, ReportGenerator } from 'src/modules/generators/report-generator';
import { ScheduledReport } from 'src/modules/schedules/entities/scheduled-report.entity';
import { STORAGE_DRIVER, StorageDriver } from 'src/modules/storage/storage-driver';
import { ScheduleAccessPolicy } from 'src/modules/schedules/schedule-access.policy';
import { SchedulesRepository } from 'src/modules/schedules/schedules.repository';
import { AttemptReturnedError, JobAttempt, retriesLeft } from 'src/queue/job-attempt';
import { GenerateReportJob } from 'src/queue/queue.constants';
import { ReportExecution } from '../entities/report-execution.entity';
import { ExecutionEventsService } from '../execution-events.service';
import { executionFileKey } from '../execution-file-name';
import { ExecutionOutcomes } from '../execution-outcomes.service';
import { ExecutionStateRepository } from '../execution-state.repository';
import { runConfigOf } from '../run-config';
import { GenerationLease } from './generation-lease';
import { OperationCounters } from 'src/modules/metrics/operation-counters';

export type GenerationOutcome =
  | { result: 'completed'; rows: number }
  | { result: 'failed'; reason: string }
  | { result: 'skipped'; reason: string };

/** A lease still this far from its end when a waiting attempt looks again is renewed by then. */
const LOOK_AGAIN_MARGIN_MS = 500;
const NEVER = new AbortController().signal;

/**
 * Runs one execution: pending → running → completed | failed, and decides, when generating
 * fails, whether another attempt can help (retry) or not (fail now). Safe to run twice for the
 * same execution (a duplicate, stalled or re-enqueued job): a finished row is left alone, a run
 * whose lease is live is left to its attempt, each attempt writes its own key and only the
 * lease holder's file becomes the run's; a losing attempt removes its file.
 */
@Injectable()
export class ReportGenerationService {
  private readonly logger = new Logger(ReportGenerationService.name);

  constructor(
    private readonly state: ExecutionStateRepository,
    private readonly outcomes: ExecutionOutcomes,
    private readonly schedules: SchedulesRepository,
    private readonly access: ScheduleAccessPolicy,
    private readonly generator: ReportGenerator,
    private readonly events: ExecutionEventsService,
    private readonly config: AppConfigService,
    @Inject(STORAGE_DRIVER) private readonly storage: StorageDriver,
    private readonly counters: OperationCounters,
  ) {}

  /**
   * Throws only when another attempt can help (Bull retries with backoff), or with
   * AttemptReturnedError when this one did no work: a live attempt holds the run, or `handBack`
   * (the worker is shutting down) fired first and the run was given back.
   */
  async generate(
    job: GenerateReportJob,
    attempt: JobAttempt,
    handBack: AbortSignal = NEVER,
  ): Promise<GenerationOutcome> {
    const leaseId = randomUUID();
    const leaseMs = this.config.values.queue.lockDurationMs;
    const start = await this.state.start(
      job.orgId,
      job.executionId,
      leaseId,
      attempt.number,
      leaseMs,
    );
    if (start.result === 'finished') return { result: 'skipped', reason: 'already finished' };
    if (start.result === 'busy') {
      throw new AttemptReturnedError(
        'another attempt is generating this run right now',
        start.retryInMs + LOOK_AGAIN_MARGIN_MS,
      );
    }
    const { execution, previousLeaseId } = start;
    if (start.tookOver) this.counters.countTakeover();
    const lease = new GenerationLease(this.state, execution, leaseId, leaseMs, handBack);
    try {
      return await this.run(execution, lease, attempt, previousLeaseId);
    } finally {
      lease.stop();
    }
  }

  private async run(
    execution: ReportExecution,
    lease: GenerationLease,
    attempt: JobAttempt,
    previousLeaseId: string | null,
  ): Promise<GenerationOutcome> {
    const leaseId = lease.id;
    await this.events.publish({
      execution_id: execution.id,
      status: 'running',
      at: new Date().toISOString(),
    });

    const schedule = await this.schedules.findOne(
      execution.organization_id,
      execution.scheduled_report_id,
      {
        withDeleted: true,
      },
    );
    if (!schedule || schedule.deleted_at || notDue(schedule, execution)) {
      const reason = schedule?.deleted_at || !schedule ? DELETED : PAUSED;
      await this.outcomes.fail(execution, leaseId, reason, { skipped_reason: reason });
      return { result: 'skipped', reason };
    }
    // Access is checked now, not only when the schedule was saved: people leave, lose rights.
    const revoked = await this.access.creatorProblem(schedule);
    if (revoked) {
      const reason = `not generated: ${revoked}`;
      await this.outcomes.fail(execution, leaseId, reason, { access_revoked: revoked });
      return { result: 'failed', reason };
    }
    // The settings copied at the claim name the file, as they drive the run.
    const run = runConfigOf(execution, schedule);
    const compress = run.delivery_options?.compress === true;
    const keyOf = (lease: string) =>
      executionFileKey(execution, run.output_format, compress, lease);
    // The attempt this one replaced stopped; whatever it wrote is no run's file.
    if (previousLeaseId && previousLeaseId !== leaseId) await this.remove(keyOf(previousLeaseId));
    const started = performance.now();
    let report: GeneratedReport;
    try {
      report = await this.produce(execution, schedule, keyOf(leaseId), lease.signal);
    } catch (error) {
      if (lease.handedBack) return this.giveBack(execution, leaseId);
      if (lease.isLost) return this.takenOver(execution);
      return this.onError(execution, leaseId, attempt, error as Error);
    }
    const completed = await this.outcomes.complete(execution, leaseId, {
      fileKey: report.file.key,
      fileSize: report.file.size,
      checksum: report.file.sha256,
      executionTimeMs: Math.round(performance.now() - started),
      rows: report.rows,
      contentSha256: report.contentSha256,
      metadata: {
        rows_generated: report.rows,
        filters_applied: report.filtersApplied,
        data_as_of: report.dataAsOf.toISOString(),
        content_type: report.contentType,
        sha256: report.file.sha256,
        content_sha256: report.contentSha256,
        ...(report.summaryTotals ? { summary_totals: report.summaryTotals } : {}),
      },
    });
    if (!completed) {
      await this.remove(report.file.key);
      return this.takenOver(execution);
    }
    this.logger.log(
      `execution ${execution.id} completed: ${report.rows} rows, ${report.file.size} bytes`,
    );
    return { result: 'completed', rows: report.rows };
  }

  /** The schedule's report, written under the execution's key, within the time limit. */
  private async produce(
    execution: ReportExecution,
    schedule: ScheduledReport,
    key: string,
    stop: AbortSignal,
  ): Promise<GeneratedReport> {
    const { generationTimeoutMs } = this.config.values.limits;
    // What was claimed, not the live schedule: an edit after the claim is for the next run.
    const run = runConfigOf(execution, schedule);
    const compress = run.delivery_options?.compress === true;
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), generationTimeoutMs);
    const signal = AbortSignal.any([abort.signal, stop]);
    try {
      return await this.generator.generate(
        {
          orgId: execution.organization_id,
          reportType: run.report_type,
          parameters: run.report_parameters,
          outputFormat: run.output_format,
          timezone: run.timezone,
          runAt: execution.scheduled_for,
          title: run.name,
          compress,
        },
        { key, signal, timeoutMs: generationTimeoutMs },
      );
    } catch (error) {
      if (abort.signal.aborted) {
        throw new PermanentGenerationError(
          `generation took longer than the maximum of ${Math.round(generationTimeoutMs / 1000)} s`,
        );
      }
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Retry while attempts remain and the error is transient; otherwise fail the run for good. */
  private async onError(
    execution: ReportExecution,
    leaseId: string,
    attempt: JobAttempt,
    error: Error,
  ): Promise<GenerationOutcome> {
    const permanent = error instanceof PermanentGenerationError;
    if (!permanent && retriesLeft(attempt)) {
      this.logger.warn(
        `execution ${execution.id} attempt ${attempt.number}/${attempt.max} failed: ${error.message}`,
      );
      await this.state.noteRetry(execution.organization_id, execution.id, leaseId, error.message);
      throw error;
    }
    if (!(await this.outcomes.fail(execution, leaseId, error.message))) {
      return this.takenOver(execution);
    }
    return { result: 'failed', reason: error.message };
  }

  /** The worker is shutting down: the run goes back to pending for another worker, unused. */
  private async giveBack(execution: ReportExecution, leaseId: string): Promise<GenerationOutcome> {
    if (!(await this.state.handBack(execution.organization_id, execution.id, leaseId))) {
      return this.takenOver(execution);
    }
    this.logger.log(`execution ${execution.id}: handed back unfinished (shutting down)`);
    throw new AttemptReturnedError('handed back: the worker is shutting down', 0);
  }

  /** Best effort: a file left behind is no run's, and only takes space. */
  private async remove(key: string): Promise<void> {
    await this.storage.delete(key).catch((error: Error) => {
      this.logger.warn(`could not remove ${key}: ${error.message}`);
    });
  }

  /** A stalled attempt whose run another attempt took over (or finished): its result is dropped. */
  private takenOver(execution: ReportExecution): GenerationOutcome {
    this.logger.warn(`execution ${execution.id}: another attempt took it over; result dropped`);
    return { result: 'skipped', reason: 'another attempt took this run over' };
  }
}

const DELETED = 'not generated: the schedule was deleted';
const PAUSED = 'not generated: the schedule was paused before this run started';

/** A scheduled run of a paused schedule is not generated; a manual run of one is. */
function notDue(schedule: ScheduledReport, execution: ReportExecution): boolean {
  return execution.trigger === 'schedule' && schedule.status === 'paused';
}
