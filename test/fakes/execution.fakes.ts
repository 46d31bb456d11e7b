import { randomUUID } from 'node:crypto';
import type { AppConfig } from 'src/config/app-config';
import type { AppConfigService } from 'src/config/app-config.service';
import type { DomainEventType } from 'src/domain/vocabulary';
import type { ReportExecution } from 'src/modules/executions/entities/report-execution.entity';
import type { ExecutionEvent } from 'src/modules/executions/execution-events.service';
import type {
  CompletedRun,
  FailureFacts,
  StartResult,
} from 'src/modules/executions/execution-state.repository';
import type {
  ExecutionCompleted,
  ExecutionFailed,
} from 'src/modules/executions/execution-outcome.events';
import type { GeneratedReport, ReportRequest } from 'src/modules/generators/report-generator';
import type { EventRef, NewDomainEvent } from 'src/modules/outbox/outbox.repository';
import type { ScheduledReport } from 'src/modules/schedules/entities/scheduled-report.entity';

export const ORG = '00000000-0000-4000-8000-0000000000a1';

/**
 * `report_executions` in memory, with the state machine of ExecutionStateRepository: every
 * transition is conditional on the status and, where the SQL says so, on the attempt's lease.
 * Events appended by complete/fail land in `events`, as the outbox would hold them.
 */
export class FakeExecutionStore {
  readonly rows = new Map<string, ReportExecution>();
  readonly events: (NewDomainEvent & { id: string })[] = [];

  add(overrides: Partial<ReportExecution> = {}): ReportExecution {
    const row = {
      id: randomUUID(),
      organization_id: ORG,
      scheduled_report_id: randomUUID(),
      trigger: 'schedule',
      scheduled_for: new Date('2026-12-07T14:00:00Z'),
      status: 'pending',
      requested_by: null,
      started_at: null,
      completed_at: null,
      error_message: null,
      file_key: null,
      file_size: null,
      file_checksum: null,
      file_expired_at: null,
      execution_time_ms: null,
      retry_count: 0,
      lease_id: null,
      leased_until: null,
      metadata: {},
      created_at: new Date(),
      updated_at: new Date(),
      ...overrides,
    } as ReportExecution;
    this.rows.set(row.id, row);
    return row;
  }

  get(id: string): ReportExecution {
    const row = this.rows.get(id);
    if (!row) throw new Error(`no execution ${id}`);
    return row;
  }

  async start(
    orgId: string,
    id: string,
    leaseId: string,
    attempt: number,
    leaseMs = 30_000,
  ): Promise<StartResult> {
    const row = this.rows.get(id);
    if (!row || row.organization_id !== orgId) return { result: 'finished' };
    if (row.status !== 'pending' && row.status !== 'running') return { result: 'finished' };
    const remaining = row.leased_until ? row.leased_until.getTime() - Date.now() : 0;
    if (remaining > 0) return { result: 'busy', retryInMs: remaining };
    const previousLeaseId = row.lease_id;
    const tookOver = row.status === 'running' && row.leased_until !== null;
    row.retry_count =
      row.status === 'running'
        ? Math.max(row.retry_count + 1, attempt - 1)
        : Math.max(row.retry_count, attempt - 1);
    row.status = 'running';
    row.started_at ??= new Date();
    row.lease_id = leaseId;
    row.leased_until = new Date(Date.now() + leaseMs);
    return { result: 'taken', execution: { ...row }, previousLeaseId, tookOver };
  }

  async renew(orgId: string, id: string, leaseId: string, leaseMs: number): Promise<boolean> {
    const row = this.rows.get(id);
    if (!row || row.lease_id !== leaseId || row.status !== 'running') return false;
    row.leased_until = new Date(Date.now() + leaseMs);
    return true;
  }

  async handBack(orgId: string, id: string, leaseId: string): Promise<boolean> {
    const row = this.rows.get(id);
    if (!row || row.lease_id !== leaseId || row.status !== 'running') return false;
    Object.assign(row, { status: 'pending', lease_id: null, leased_until: null });
    return true;
  }

  async complete(
    orgId: string,
    id: string,
    leaseId: string,
    run: CompletedRun,
  ): Promise<EventRef | null> {
    const row = this.rows.get(id);
    if (!row || row.organization_id !== orgId || row.lease_id !== leaseId) return null;
    if (row.status !== 'running') return null;
    Object.assign(row, {
      leased_until: null,
      status: 'completed',
      completed_at: new Date(),
      file_key: run.fileKey,
      file_size: run.fileSize,
      file_checksum: run.checksum,
      execution_time_ms: run.executionTimeMs,
      metadata: { ...row.metadata, ...run.metadata },
      error_message: null,
    });
    const payload: ExecutionCompleted = {
      execution_id: id,
      schedule_id: row.scheduled_report_id,
      rows: run.rows,
      content_sha256: run.contentSha256,
    };
    return this.append('execution.completed', row, payload);
  }

  async fail(
    orgId: string,
    id: string,
    leaseId: string | null,
    message: string,
    metadata: FailureFacts = {},
  ): Promise<EventRef | null> {
    const row = this.rows.get(id);
    if (!row || row.organization_id !== orgId) return null;
    if (row.status !== 'pending' && row.status !== 'running') return null;
    if (leaseId !== null && row.lease_id !== leaseId) return null;
    Object.assign(row, {
      leased_until: null,
      status: 'failed',
      completed_at: new Date(),
      error_message: message,
      metadata: { ...row.metadata, ...metadata },
    });
    const payload: ExecutionFailed = {
      execution_id: id,
      schedule_id: row.scheduled_report_id,
      reason: message,
      skipped_reason: metadata.skipped_reason ?? null,
      access_revoked: metadata.access_revoked ?? null,
    };
    return this.append('execution.failed', row, payload);
  }

  async noteRetry(orgId: string, id: string, leaseId: string, message: string): Promise<void> {
    const row = this.rows.get(id);
    if (!row || row.organization_id !== orgId || row.lease_id !== leaseId) return;
    if (row.status !== 'running') return;
    row.error_message = `attempt failed, will retry: ${message}`;
    row.leased_until = null;
  }

  private append(type: DomainEventType, row: ReportExecution, payload: object): EventRef {
    const event = {
      id: randomUUID(),
      orgId: row.organization_id,
      type,
      subjectId: row.id,
      payload,
    };
    this.events.push(event);
    return { id: event.id, orgId: event.orgId };
  }
}

/** The bus as publishers see it: what they asked to dispatch. */
export class FakeEventBus {
  readonly dispatched: EventRef[] = [];
  failWith: Error | null = null;

  async dispatch(refs: EventRef[]): Promise<number> {
    if (this.failWith) throw this.failWith;
    this.dispatched.push(...refs);
    return refs.length;
  }
}

/** The SSE publisher: the status changes live watchers would see, in order. */
export class FakeLiveEvents {
  readonly published: ExecutionEvent[] = [];

  async publish(event: ExecutionEvent): Promise<void> {
    this.published.push(event);
  }

  statuses(executionId: string): string[] {
    return this.published.filter((e) => e.execution_id === executionId).map((e) => e.status);
  }
}

/** Schedules by id, soft-deleted ones included (the worker reads with withDeleted). */
export class FakeSchedules {
  readonly rows = new Map<string, ScheduledReport>();

  add(overrides: Partial<ScheduledReport> = {}): ScheduledReport {
    const row = {
      id: randomUUID(),
      organization_id: ORG,
      created_by: 'u-owner',
      name: 'Weekly invoices',
      description: null,
      report_type: 'invoice_summary',
      schedule_config: { cadence: 'weekly', time: '09:00', timezone: 'America/New_York' },
      recipients: [],
      report_parameters: { date_range: { preset: 'previous_week' } },
      output_format: 'csv',
      delivery_options: {},
      status: 'active',
      last_run_at: null,
      next_run_at: null,
      created_at: new Date(),
      updated_at: new Date(),
      deleted_at: null,
      version: 1,
      ...overrides,
    } as ScheduledReport;
    this.rows.set(row.id, row);
    return row;
  }

  async findOne(orgId: string, id: string): Promise<ScheduledReport | null> {
    const row = this.rows.get(id);
    return row && row.organization_id === orgId ? row : null;
  }
}

/**
 * A report generator whose behaviour each test sets: by default it "writes" a 3-row file.
 * `calls` keeps what it was asked; `behaviour` may throw, wait for the abort signal, or run code
 * in the middle of generating (another attempt taking the run over, say).
 */
export class FakeReportGenerator {
  readonly calls: { request: ReportRequest; key: string }[] = [];
  behaviour: (request: ReportRequest, signal: AbortSignal) => Promise<Partial<GeneratedReport>> =
    async () => ({});

  async generate(
    request: ReportRequest,
    target: { key: string; signal: AbortSignal },
  ): Promise<GeneratedReport> {
    this.calls.push({ request, key: target.key });
    const overrides = await this.behaviour(request, target.signal);
    return {
      rows: 3,
      file: { key: target.key, size: 120, sha256: 'f'.repeat(64) },
      dataAsOf: new Date('2026-12-07T14:00:01Z'),
      filtersApplied: { date_range: { from: '2026-11-30', to: '2026-12-06' } },
      contentSha256: 'c'.repeat(64),
      contentType: 'text/csv; charset=utf-8',
      ...overrides,
    };
  }
}

/** Resolves when `signal` aborts: a generation that never finishes by itself. */
export function untilAborted(signal: AbortSignal): Promise<never> {
  return new Promise((_resolve, reject) => {
    if (signal.aborted) return reject(new Error('aborted'));
    signal.addEventListener('abort', () => reject(new Error('aborted')), { once: true });
  });
}

/** An AppConfigService with the defaults a test needs, and `limits` as it says. */
export function fakeConfig(
  limits: Partial<AppConfig['limits']> = {},
  queue: Partial<AppConfig['queue']> = {},
): AppConfigService {
  return {
    values: {
      limits: { generationTimeoutMs: 600_000, maxRows: 5_000_000, pdfMaxRows: 50_000, ...limits },
      queue: { lockDurationMs: 30_000, attempts: 5, backoffMs: 5000, ...queue },
    },
  } as unknown as AppConfigService;
}

/** ScheduleAccessPolicy with answers a test sets: by default the creator and everyone qualify. */
export class FakeAccessPolicy {
  /** Why the creator no longer qualifies, or null. */
  creator: string | null = null;
  /** Recipient value → why it no longer qualifies. */
  readonly recipients = new Map<string, string>();

  async creatorProblem(): Promise<string | null> {
    return this.creator;
  }

  async recipientProblem(
    _org: unknown,
    recipient: { type: string; value: string },
  ): Promise<string | null> {
    const problem = this.recipients.get(recipient.value);
    return problem ? `recipient ${recipient.type} '${recipient.value}' ${problem}` : null;
  }
}
