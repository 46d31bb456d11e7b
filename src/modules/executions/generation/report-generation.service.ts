import { Inject, Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { pipeline, Readable, Transform } from 'node:stream';
import { createGzip } from 'node:zlib';
import { DigestTransform } from 'src/modules/storage/digest.transform';
import moment from 'moment-timezone';
import { BrowserPool } from './pdf/browser-pool';
import { DeliveryFanOutService } from 'src/modules/delivery/delivery-fan-out.service';
import { FailureNoticesService } from 'src/modules/delivery/notices/failure-notices.service';
import { AppConfigService } from 'src/config/app-config.service';
import { ExecutionEventsService } from 'src/modules/executions/execution-events.service';
import { ExecutionStateRepository } from 'src/modules/executions/execution-state.repository';
import { ReportExecution } from 'src/modules/executions/entities/report-execution.entity';
import { SchedulesRepository } from 'src/modules/schedules/schedules.repository';
import { ScheduledReport } from 'src/modules/schedules/entities/scheduled-report.entity';
import { STORAGE_DRIVER, StorageDriver } from 'src/modules/storage/storage-driver';
import { GenerateReportJob } from 'src/queue/queue.constants';
import { DateRange } from './date-ranges/date-range.schema';
import { resolveDateRange } from './date-ranges/resolve-date-range';
import { PermanentGenerationError } from './generation.errors';
import { ReportDataReader } from './report-data/report-data.reader';
import { ReportQuery } from './report-data/report-query';
import { ReportTypeRegistry } from './report-types/report-type.registry';
import {
  CONTENT_TYPES,
  RENDERABLE,
  renderReport,
  ROW_MODE,
  rowLimit,
} from './writers/render-report';

export type GenerationOutcome =
  | { result: 'completed'; rows: number }
  | { result: 'failed'; reason: string }
  | { result: 'skipped'; reason: string };

export interface Attempt {
  number: number;
  max: number;
}

/**
 * Generates one execution's file: pending → running → completed | failed. Safe to run twice
 * for the same execution (a duplicate or stalled job): a finished row is left alone, the file
 * key is the execution's own (a retry overwrites, never adds), and a lease fences attempts.
 */
@Injectable()
export class ReportGenerationService {
  private readonly logger = new Logger(ReportGenerationService.name);

  constructor(
    private readonly state: ExecutionStateRepository,
    private readonly schedules: SchedulesRepository,
    private readonly registry: ReportTypeRegistry,
    private readonly reader: ReportDataReader,
    private readonly events: ExecutionEventsService,
    private readonly config: AppConfigService,
    @Inject(STORAGE_DRIVER) private readonly storage: StorageDriver,
    private readonly browsers: BrowserPool,
    private readonly fanOut: DeliveryFanOutService,
    private readonly notices: FailureNoticesService,
  ) {}

  /** Throws only when another attempt can help; Bull then retries with backoff. */
  async generate(job: GenerateReportJob, attempt: Attempt): Promise<GenerationOutcome> {
    const leaseId = randomUUID();
    const execution = await this.state.start(job.orgId, job.executionId, leaseId, attempt.number);
    if (!execution) return { result: 'skipped', reason: 'already finished' };
    await this.publish(execution, 'running');

    const schedule = await this.schedules.findOne(job.orgId, execution.scheduled_report_id, {
      withDeleted: true,
    });
    const notRunnable = whyNotRunnable(schedule, execution);
    if (notRunnable) {
      await this.finishFailed(execution, leaseId, notRunnable, { skipped_reason: notRunnable });
      return { result: 'skipped', reason: notRunnable };
    }
    const started = Date.now();
    try {
      const produced = await this.produce(execution, schedule as ScheduledReport);
      const { rows, file, dataAsOf, query } = produced;
      const metadata = {
        rows_generated: rows,
        filters_applied: query.filters,
        data_as_of: dataAsOf.toISOString(),
        content_type: produced.contentType,
        sha256: file.sha256,
        // Of the uncompressed content, for only_if_changed.
        content_sha256: produced.contentSha256,
      };
      const done = await this.state.complete(
        job.orgId,
        execution.id,
        leaseId,
        {
          fileKey: file.key,
          fileSize: file.size,
          checksum: file.sha256,
          executionTimeMs: Date.now() - started,
          metadata,
        },
        (manager) =>
          this.fanOut.plan(manager, schedule as ScheduledReport, {
            orgId: job.orgId,
            executionId: execution.id,
            rows,
            contentSha256: produced.contentSha256,
          }),
      );
      if (done.completed) {
        await this.publish(execution, 'completed', { file_size: file.size, rows_generated: rows });
        await this.fanOut.enqueue(job.orgId, done.then);
      }
      return { result: 'completed', rows };
    } catch (error) {
      const message = (error as Error).message;
      const permanent = error instanceof PermanentGenerationError;
      if (!permanent && attempt.number < attempt.max) {
        this.logger.warn(
          `execution ${execution.id} attempt ${attempt.number}/${attempt.max} failed: ${message}`,
        );
        await this.state.noteRetry(job.orgId, execution.id, leaseId, message);
        throw error;
      }
      await this.finishFailed(execution, leaseId, message);
      return { result: 'failed', reason: message };
    }
  }

  private async produce(execution: ReportExecution, schedule: ScheduledReport) {
    const provider = this.registry.find(schedule.report_type);
    if (!provider?.buildQuery) {
      throw new PermanentGenerationError(
        `report type '${schedule.report_type}' cannot be generated yet`,
      );
    }
    if (!RENDERABLE.includes(schedule.output_format)) {
      throw new PermanentGenerationError(
        `output format '${schedule.output_format}' is not available yet`,
      );
    }
    const params = this.registry.applyDefaults(schedule.report_type, schedule.report_parameters);
    const timezone = schedule.schedule_config.timezone;
    const range = params.date_range
      ? resolveDateRange(params.date_range as DateRange, execution.scheduled_for, timezone)
      : null;
    const query: ReportQuery = provider.buildQuery({
      orgId: execution.organization_id,
      params,
      range,
      runAt: execution.scheduled_for,
      timezone,
    });
    const filters = {
      ...params,
      ...(range
        ? { date_range: { ...(params.date_range as object), from: range.from, to: range.to } }
        : {}),
    };
    const { maxRows, generationTimeoutMs } = this.config.values.limits;
    const compress = schedule.delivery_options?.compress === true;
    const format = schedule.output_format;
    const key = `org/${execution.organization_id}/executions/${execution.id}.${format}${compress ? '.gz' : ''}`;
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), generationTimeoutMs);
    try {
      return await this.reader.read(
        query,
        async (rowStream, dataAsOf) => {
          const limit = rowLimit(format, maxRows);
          const rendered = renderReport(
            format,
            pipeline(rowStream, limit, () => undefined),
            query.columns,
            {
              title: schedule.name,
              summary: [
                { label: 'Report', value: schedule.report_type },
                ...(range ? [{ label: 'Period', value: range.label }] : []),
              ],
              dataAsOf: moment.tz(dataAsOf, timezone).format('YYYY-MM-DD HH:mm z'),
              pdfMaxRows: this.config.values.limits.pdfMaxRows,
            },
            { browsers: this.browsers },
          );
          // The content hash is of the uncompressed bytes, so only_if_changed ignores compression.
          const content = new DigestTransform();
          const stages: NodeJS.ReadWriteStream[] = [content, ...(compress ? [createGzip()] : [])];
          const body = pipeline(
            rendered.output,
            ...(stages as [Transform]),
            () => undefined,
          ) as Readable;
          const [file] = await Promise.all([
            this.storage.put(key, body, {
              contentType: CONTENT_TYPES[format],
              signal: abort.signal,
            }),
            rendered.done,
          ]);
          return {
            rows: limit.rows,
            file,
            dataAsOf,
            query: { filters },
            contentSha256: content.sha256,
            contentType: compress ? 'application/gzip' : CONTENT_TYPES[format],
          };
        },
        ROW_MODE[format],
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

  private async finishFailed(
    execution: ReportExecution,
    leaseId: string,
    message: string,
    metadata: Record<string, unknown> = {},
  ): Promise<void> {
    if (
      await this.state.fail(execution.organization_id, execution.id, leaseId, message, metadata)
    ) {
      await this.publish(execution, 'failed', { error_message: message });
      // A run that was not generated because its schedule was paused or deleted is no failure.
      if (!metadata.skipped_reason) {
        await this.notices.executionFailed(execution.organization_id, execution.id);
      }
    }
  }

  private publish(execution: ReportExecution, status: string, extra: Record<string, unknown> = {}) {
    return this.events.publish({
      execution_id: execution.id,
      status,
      at: new Date().toISOString(),
      ...extra,
    });
  }
}

/** Scheduled runs of a paused schedule, and any run of a deleted one, are not generated. */
function whyNotRunnable(
  schedule: ScheduledReport | null,
  execution: ReportExecution,
): string | null {
  if (!schedule || schedule.deleted_at) return 'not generated: the schedule was deleted';
  if (execution.trigger === 'schedule' && schedule.status === 'paused') {
    return 'not generated: the schedule was paused before this run started';
  }
  return null;
}
