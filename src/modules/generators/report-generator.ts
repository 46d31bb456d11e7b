import { Inject, Injectable } from '@nestjs/common';
import moment from 'moment-timezone';
import { pipeline, Readable, Transform } from 'node:stream';
import { createGzip } from 'node:zlib';
import { AppConfigService } from 'src/config/app-config.service';
import { CONTENT_TYPES, OutputFormat } from 'src/domain/vocabulary';
import { DigestTransform } from 'src/modules/storage/digest.transform';
import { STORAGE_DRIVER, StorageDriver, StoredFile } from 'src/modules/storage/storage-driver';
import { DateRange } from './date-ranges/date-range.schema';
import type { SummaryTotals } from './pdf/period-totals';
import { resolveDateRange } from './date-ranges/resolve-date-range';
import { PermanentGenerationError } from './generation.errors';
import { BrowserPool } from './pdf/browser-pool';
import { ReportDataReader } from './report-data/report-data.reader';
import { ReportTypeRegistry } from './report-types/report-type.registry';
import { renderReport, rowInput, rowLimit } from './writers/render-report';

/** One report to write: what a schedule asks for, at one slot. */
export interface ReportRequest {
  orgId: string;
  reportType: string;
  parameters: Record<string, unknown>;
  outputFormat: OutputFormat;
  /** The schedule's zone: date ranges and "data as of" are local to it. */
  timezone: string;
  /** The slot: date ranges resolve relative to it. */
  runAt: Date;
  /** The report's heading (the schedule's name). */
  title: string;
  /** Store it gzipped (`.gz`). */
  compress: boolean;
}

export interface GeneratedReport {
  rows: number;
  file: StoredFile;
  /** Start of the read snapshot: every row is as of this instant. */
  dataAsOf: Date;
  /** The parameters as applied, with the date range resolved to dates. */
  filtersApplied: Record<string, unknown>;
  /** SHA-256 of the uncompressed content, so only_if_changed ignores compression. */
  contentSha256: string;
  contentType: string;
  /** Totals by period the writer summed on the way (PDF), else undefined. */
  summaryTotals?: SummaryTotals;
}

/**
 * Writes one report to storage: the type's query read in one snapshot, streamed through the
 * format's writer (and gzip), never all rows in memory. Knows nothing of executions or
 * schedules; the caller names the key and may abort through `signal` (the query included), and
 * `timeoutMs` bounds the query on the server too.
 */
@Injectable()
export class ReportGenerator {
  constructor(
    private readonly registry: ReportTypeRegistry,
    private readonly reader: ReportDataReader,
    private readonly browsers: BrowserPool,
    private readonly config: AppConfigService,
    @Inject(STORAGE_DRIVER) private readonly storage: StorageDriver,
  ) {}

  /** Rejects with PermanentGenerationError when no retry can help (limits, a retired type). */
  async generate(
    request: ReportRequest,
    target: { key: string; signal: AbortSignal; timeoutMs?: number },
  ): Promise<GeneratedReport> {
    const provider = this.registry.find(request.reportType);
    if (!provider) {
      throw new PermanentGenerationError(
        `report type '${request.reportType}' is no longer offered by this service`,
      );
    }
    const params = this.registry.applyDefaults(request.reportType, request.parameters);
    const range = params.date_range
      ? resolveDateRange(params.date_range as DateRange, request.runAt, request.timezone)
      : null;
    const query = provider.buildQuery({
      orgId: request.orgId,
      params,
      range,
      runAt: request.runAt,
      timezone: request.timezone,
    });
    const filtersApplied = {
      ...params,
      ...(range
        ? { date_range: { ...(params.date_range as object), from: range.from, to: range.to } }
        : {}),
    };
    const format = request.outputFormat;
    const { maxRows, pdfMaxRows } = this.config.values.limits;
    return this.reader.read(
      query,
      async (rowStream, dataAsOf) => {
        const limit = rowLimit(format, maxRows);
        const rendered = renderReport(
          format,
          pipeline(rowStream, limit, () => undefined),
          query.columns,
          {
            title: request.title,
            summary: [
              { label: 'Report', value: request.reportType },
              ...(range ? [{ label: 'Period', value: range.label }] : []),
            ],
            dataAsOf: moment.tz(dataAsOf, request.timezone).format('YYYY-MM-DD HH:mm z'),
            pdfMaxRows,
          },
          { browsers: this.browsers },
        );
        const content = new DigestTransform();
        const stages: NodeJS.ReadWriteStream[] = [
          content,
          ...(request.compress ? [createGzip()] : []),
        ];
        const body = pipeline(
          rendered.output,
          ...(stages as [Transform]),
          () => undefined,
        ) as Readable;
        const contentType = request.compress ? CONTENT_TYPES.gz : CONTENT_TYPES[format];
        const [file, written] = await Promise.all([
          this.storage.put(target.key, body, { contentType, signal: target.signal }),
          rendered.done,
        ]);
        return {
          rows: limit.rows,
          file,
          dataAsOf,
          filtersApplied,
          contentSha256: content.sha256,
          contentType,
          summaryTotals: written ? written.summaryTotals : undefined,
        };
      },
      rowInput(format),
      { signal: target.signal, timeoutMs: target.timeoutMs },
    );
  }
}
