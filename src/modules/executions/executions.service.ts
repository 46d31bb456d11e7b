import { Injectable } from '@nestjs/common';
import { Actor, hasPermission, hasRole } from 'src/common/auth/actor';
import { Clock } from 'src/common/clock';
import {
  ConflictError,
  DomainError,
  ForbiddenError,
  NotFoundError,
  ValidationFailedError,
} from 'src/common/errors/domain-error';
import { ErrorCode } from 'src/common/errors/error-codes';
import { Paginated, paginated } from 'src/common/http/paginated-response.dto';
import { ExecutionQueue } from 'src/queue/execution-queue';
import { OperationCounters } from 'src/modules/metrics/operation-counters';
import { TransactionScope } from 'src/database/transaction-scope';
import { AuditService } from 'src/modules/audit/audit.service';
import { ReportTypeRegistry } from 'src/modules/generators/report-types/report-type.registry';
import type { Hit } from 'src/modules/rate-limits/rate-counter';
import { RunNowLimiter } from 'src/modules/rate-limits/run-now.limiter';
import { latestSlotAtOrBefore } from 'src/modules/schedules/latest-slot';
import { SchedulesService } from 'src/modules/schedules/schedules.service';
import { ReportExecutionDto } from './dto/report-execution.dto';
import { ReportExecution } from './entities/report-execution.entity';
import { ExecutionsRepository } from './executions.repository';
import { toReportExecutionDto } from './report-execution.mapper';

/** Run-now and the execution history of the actor's organization. */
@Injectable()
export class ExecutionsService {
  constructor(
    private readonly executions: ExecutionsRepository,
    private readonly schedules: SchedulesService,
    private readonly reportTypes: ReportTypeRegistry,
    private readonly queue: ExecutionQueue,
    private readonly limiter: RunNowLimiter,
    private readonly audit: AuditService,
    private readonly transactions: TransactionScope,
    private readonly clock: Clock,
    private readonly counters: OperationCounters,
  ) {}

  /**
   * Queues a manual run at high priority, or returns the run already pending/running.
   * The row is the outbox: when Redis is down the run is still accepted and enqueued later.
   */
  async runNow(
    actor: Actor,
    scheduleId: string,
    asOf?: Date,
  ): Promise<{ execution: ReportExecutionDto; created: boolean }> {
    const schedule = await this.schedules.loadForChange(actor, scheduleId);
    const type = this.reportTypes.find(schedule.report_type);
    if (type && !hasPermission(actor, type.requiredPermission)) {
      throw new ForbiddenError(
        `report type '${type.id}' needs the ${type.requiredPermission} permission`,
      );
    }
    if (type?.requiredRole && !hasRole(actor, type.requiredRole)) {
      throw new ForbiddenError(
        `report type '${type.id}' needs the ${type.requiredRole} role or above`,
      );
    }
    const now = this.clock.now();
    let scheduledFor = now;
    if (asOf) {
      if (asOf > now) throw new ValidationFailedError('as_of must not be in the future');
      const slot = latestSlotAtOrBefore(schedule.schedule_config, asOf);
      if (!slot)
        throw new ValidationFailedError(
          'as_of: the schedule has no slot at or before that instant',
        );
      scheduledFor = slot;
    }
    // Counted only when a run is created, inside its transaction: a click that finds a run in
    // flight (even one racing it) costs nothing, and a refused click creates nothing.
    let hit: Hit | null = null;
    let run: { execution: ReportExecution; created: boolean };
    try {
      run = await this.transactions.run(async () => {
        const found = await this.executions.createManualOrGetInFlight(actor.orgId, {
          scheduleId,
          scheduledFor,
          requestedBy: actor.userId,
          metadata: asOf ? { as_of: asOf.toISOString() } : {},
        });
        if (!found.created) return found;
        hit = await this.limiter.consume(actor.orgId, actor.userId);
        await this.audit.record(actor, {
          action: 'schedule.run_requested',
          resourceType: 'scheduled_report',
          resourceId: scheduleId,
          details: { execution_id: found.execution.id, as_of: asOf?.toISOString() ?? null },
        });
        return found;
      });
    } catch (error) {
      // Nothing was started (refused, or rolled back), so nothing is spent.
      await (hit as Hit | null)?.refund();
      throw error;
    }
    const { execution, created } = run;
    // After commit; the row is the outbox, so a lost enqueue is the reconciler's.
    if (created) {
      this.counters.countDispatched('manual', 1);
      await this.queue.enqueue([execution], 'manual');
    }
    return { execution: toReportExecutionDto(execution), created };
  }

  async listForSchedule(
    actor: Actor,
    scheduleId: string,
    page: number,
    limit: number,
  ): Promise<Paginated<ReportExecutionDto>> {
    await this.schedules.loadForHistory(actor, scheduleId);
    const { rows, total } = await this.executions.listForSchedule(
      actor.orgId,
      scheduleId,
      page,
      limit,
    );
    return paginated(
      rows.map((e) => toReportExecutionDto(e)),
      page,
      limit,
      total,
    );
  }

  /** An execution of the actor's org whose schedule the actor may see (deleted ones: admins). */
  async load(actor: Actor, id: string): Promise<ReportExecution> {
    const execution = await this.executions.findOne(actor.orgId, id);
    if (!execution) throw executionNotFound(id);
    try {
      await this.schedules.loadForHistory(actor, execution.scheduled_report_id);
    } catch (error) {
      if (error instanceof DomainError && error.code === ErrorCode.SCHEDULE_NOT_FOUND)
        throw executionNotFound(id);
      throw error;
    }
    return execution;
  }

  /** A completed execution whose file the actor may download. */
  async loadDownloadable(
    actor: Actor,
    id: string,
  ): Promise<{ execution: ReportExecution; scheduleName: string; timezone: string }> {
    const execution = await this.load(actor, id);
    const schedule = await this.schedules.loadForHistory(actor, execution.scheduled_report_id);
    const type = this.reportTypes.find(schedule.report_type);
    if (type && !hasPermission(actor, type.requiredPermission)) {
      throw new ForbiddenError(
        `downloading a ${type.id} report needs the ${type.requiredPermission} permission`,
      );
    }
    if (type?.requiredRole && !hasRole(actor, type.requiredRole)) {
      throw new ForbiddenError(
        `downloading a ${type.id} report needs the ${type.requiredRole} role or above`,
      );
    }
    if (execution.file_expired_at) {
      throw new DomainError(
        ErrorCode.GONE,
        `the file of execution ${id} was deleted by the retention policy`,
      );
    }
    if (execution.status !== 'completed' || !execution.file_key) {
      throw new ConflictError(`execution ${id} has no file (status ${execution.status})`);
    }
    return { execution, scheduleName: schedule.name, timezone: schedule.schedule_config.timezone };
  }
}

function executionNotFound(id: string): NotFoundError {
  return new NotFoundError(ErrorCode.EXECUTION_NOT_FOUND, `report execution ${id} not found`);
}
