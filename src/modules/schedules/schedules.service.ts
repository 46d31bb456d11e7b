import { Injectable } from '@nestjs/common';
import { Actor, hasRole, isSystemActor } from 'src/common/auth/actor';
import { Clock } from 'src/common/clock';
import { jsonEqual } from 'src/common/json-equal';
import { ConflictError, ForbiddenError, NotFoundError } from 'src/common/errors/domain-error';
import { ErrorCode } from 'src/common/errors/error-codes';
import { Paginated, paginated } from 'src/common/http/paginated-response.dto';
import { AuditEvent, AuditService } from 'src/modules/audit/audit.service';
import { OrganizationsService } from 'src/modules/organizations/organizations.service';
import { nextRuns } from './calendar/schedule-calculator';
import type { ScheduleConfig } from './calendar/schedule-config';
import { NextRunsDto } from './dto/next-run.dto';
import { ScheduledReportDto } from './dto/scheduled-report.dto';
import { ScheduledReport } from './entities/scheduled-report.entity';
import { ScheduleInput, ScheduleInputValidator } from './schedule-input.validator';
import { NextSlot, NO_NEXT_SLOT, nextSlotAfter } from './next-slot';
import { toNextRunDto, toScheduledReportDto } from './scheduled-report.mapper';
import { LastExecutionsRepository } from './last-executions.repository';
import { ScheduleFilter, SchedulesRepository } from './schedules.repository';

/** Create, read, change, pause, resume and delete schedules of the actor's organization. */
@Injectable()
export class SchedulesService {
  constructor(
    private readonly schedules: SchedulesRepository,
    private readonly lastExecutions: LastExecutionsRepository,
    private readonly organizations: OrganizationsService,
    private readonly validator: ScheduleInputValidator,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async create(actor: Actor, input: ScheduleInput): Promise<ScheduledReportDto> {
    const org = await this.organizations.getOrganization(actor.orgId);
    const valid = await this.validator.validate(actor, org, input);
    const now = await this.schedules.databaseNow(this.clock);
    const created = await this.schedules.withOrgLock(actor.orgId, async (tx) => {
      this.assertActiveQuota(await tx.countActive(), org.max_active_schedules);
      const schedule = await tx.insert({
        ...valid,
        created_by: actor.userId,
        status: 'active',
        paused_by: null,
        paused_reason: null,
        last_run_at: null,
        ...nextSlotAfter(valid.schedule_config, now),
      });
      await this.audit.recordIn(tx.manager, actor, {
        action: 'schedule.created',
        resourceType: 'scheduled_report',
        resourceId: schedule.id,
        details: { name: schedule.name, report_type: schedule.report_type },
      });
      return schedule;
    });
    return toScheduledReportDto(created, actor, null);
  }

  async list(
    actor: Actor,
    filter: ScheduleFilter,
    page: number,
    limit: number,
  ): Promise<Paginated<ScheduledReportDto>> {
    const { rows, total } = await this.schedules.list(actor.orgId, filter, page, limit);
    const last = await this.lastExecutions.of(
      actor.orgId,
      rows.map((row) => row.id),
    );
    return paginated(
      rows.map((row) => toScheduledReportDto(row, actor, last.get(row.id) ?? null)),
      page,
      limit,
      total,
    );
  }

  async get(actor: Actor, id: string): Promise<ScheduledReportDto> {
    return this.shown(actor, await this.load(actor, id));
  }

  /** PUT (every editable field given) and PATCH (a subset); the result is validated whole. */
  async update(
    actor: Actor,
    id: string,
    changes: Partial<ScheduleInput>,
  ): Promise<ScheduledReportDto> {
    const current = await this.loadForChange(actor, id);
    const org = await this.organizations.getOrganization(actor.orgId);
    const merged: ScheduleInput = { ...this.inputOf(current), ...changes };
    const valid = await this.validator.validate(actor, org, merged);
    const configChanged = !jsonEqual(valid.schedule_config, current.schedule_config);
    const next =
      configChanged && current.status === 'active'
        ? await this.rescheduled(current, valid.schedule_config)
        : { slot: {}, keptDue: false };
    const updated = await this.writeVersioned(
      actor,
      current,
      { ...valid, ...next.slot },
      {
        action: 'schedule.updated',
        details: {
          fields: Object.keys(changes),
          ...(next.keptDue ? { due_slot_kept: current.next_run_at?.toISOString() } : {}),
        },
      },
    );
    return this.shown(actor, updated);
  }

  /**
   * `reason` says why the service paused it (a member's pause has none); the schedule keeps who
   * paused it and why until it is resumed, so the console can tell the two apart.
   */
  async pause(actor: Actor, id: string, reason?: string): Promise<ScheduledReportDto> {
    const current = await this.loadForChange(actor, id);
    if (current.status === 'paused') return this.shown(actor, current);
    const bySystem = isSystemActor(actor);
    const updated = await this.writeVersioned(
      actor,
      current,
      {
        status: 'paused',
        paused_by: bySystem ? 'system' : 'user',
        paused_reason: bySystem ? (reason ?? null) : null,
        ...NO_NEXT_SLOT,
      },
      { action: 'schedule.paused', ...(bySystem && reason ? { details: { reason } } : {}) },
    );
    return this.shown(actor, updated);
  }

  /** Resuming computes the next run from now: slots missed while paused are not run. */
  async resume(actor: Actor, id: string): Promise<ScheduledReportDto> {
    const current = await this.loadForChange(actor, id);
    if (current.status === 'active') return this.shown(actor, current);
    const org = await this.organizations.getOrganization(actor.orgId);
    const now = await this.schedules.databaseNow(this.clock);
    const updated = await this.schedules.withOrgLock(actor.orgId, async (tx) => {
      this.assertActiveQuota(await tx.countActive(), org.max_active_schedules);
      const ok = await tx.update(id, current.version, {
        status: 'active',
        paused_by: null,
        paused_reason: null,
        ...nextSlotAfter(current.schedule_config, now),
      });
      if (!ok) throw concurrentChange();
      await this.audit.recordIn(tx.manager, actor, {
        action: 'schedule.resumed',
        resourceType: 'scheduled_report',
        resourceId: id,
      });
      return (await tx.findOne(id)) as ScheduledReport;
    });
    return this.shown(actor, updated);
  }

  async remove(actor: Actor, id: string): Promise<void> {
    await this.loadForChange(actor, id);
    await this.schedules.withOrgLock(actor.orgId, async (tx) => {
      if (!(await tx.softDelete(id))) throw scheduleNotFound(id);
      await this.audit.recordIn(tx.manager, actor, {
        action: 'schedule.deleted',
        resourceType: 'scheduled_report',
        resourceId: id,
      });
    });
  }

  async nextRunsOf(actor: Actor, id: string, count: number): Promise<NextRunsDto> {
    const schedule = await this.load(actor, id);
    return this.preview(schedule.schedule_config, this.clock.now(), count);
  }

  preview(config: ScheduleConfig, after: Date, count: number): NextRunsDto {
    this.validator.validateScheduleOnly(config);
    return { runs: nextRuns(config, after, count).map(toNextRunDto) };
  }

  /** One schedule as the API answers it, with its latest run. */
  private async shown(actor: Actor, schedule: ScheduledReport): Promise<ScheduledReportDto> {
    const last = await this.lastExecutions.of(actor.orgId, [schedule.id]);
    return toScheduledReportDto(schedule, actor, last.get(schedule.id) ?? null);
  }

  /** A schedule of the actor's organization, or 404 (also for another org's id). */
  async load(actor: Actor, id: string): Promise<ScheduledReport> {
    const schedule = await this.schedules.findOne(actor.orgId, id);
    if (!schedule) throw scheduleNotFound(id);
    return schedule;
  }

  /** For history: a deleted schedule's executions stay readable to admins only. */
  async loadForHistory(actor: Actor, id: string): Promise<ScheduledReport> {
    const schedule = await this.schedules.findOne(actor.orgId, id, { withDeleted: true });
    if (!schedule || (schedule.deleted_at && !hasRole(actor, 'admin'))) throw scheduleNotFound(id);
    return schedule;
  }

  /** Editors change only the schedules they created; admins change any. */
  async loadForChange(actor: Actor, id: string): Promise<ScheduledReport> {
    const schedule = await this.load(actor, id);
    if (!hasRole(actor, 'admin') && schedule.created_by !== actor.userId) {
      throw new ForbiddenError('editors may change only the schedules they created');
    }
    return schedule;
  }

  /** Writes `changes` if nobody changed the schedule meanwhile, with its audit entry. */
  private async writeVersioned(
    actor: Actor,
    current: ScheduledReport,
    changes: Partial<ScheduledReport>,
    event: Pick<AuditEvent, 'action' | 'details'>,
  ): Promise<ScheduledReport> {
    return this.schedules.withOrgLock(actor.orgId, async (tx) => {
      if (!(await tx.update(current.id, current.version, changes))) throw concurrentChange();
      await this.audit.recordIn(tx.manager, actor, {
        ...event,
        resourceType: 'scheduled_report',
        resourceId: current.id,
      });
      return (await tx.findOne(current.id)) as ScheduledReport;
    });
  }

  /**
   * The pending slot after a change of `schedule_config`. A slot already due (by the database's
   * clock, as the scheduler claims) but not yet claimed is kept: it runs, with the settings as
   * they are at its claim, and the next slot follows the new config. Its nominal time is left for
   * the scheduler to read in the new config's zone. Otherwise the first slot from now.
   */
  private async rescheduled(
    current: ScheduledReport,
    config: ScheduleConfig,
  ): Promise<{ slot: Partial<NextSlot>; keptDue: boolean }> {
    const now = await this.schedules.databaseNow(this.clock);
    if (current.next_run_at && current.next_run_at <= now) {
      return { slot: { next_slot_local: null, next_slot_fold: null }, keptDue: true };
    }
    return { slot: nextSlotAfter(config, now), keptDue: false };
  }

  private assertActiveQuota(active: number, max: number): void {
    if (active >= max) {
      throw new ConflictError(
        `the organization has ${active} active schedules, its limit is ${max}; pause or delete one first`,
        ErrorCode.QUOTA_EXCEEDED,
      );
    }
  }

  private inputOf(s: ScheduledReport): ScheduleInput {
    return {
      name: s.name,
      description: s.description,
      report_type: s.report_type,
      schedule_config: s.schedule_config,
      recipients: s.recipients,
      report_parameters: s.report_parameters,
      output_format: s.output_format,
      delivery_options: s.delivery_options,
    };
  }
}

function scheduleNotFound(id: string): NotFoundError {
  return new NotFoundError(ErrorCode.SCHEDULE_NOT_FOUND, `scheduled report ${id} not found`);
}

function concurrentChange(): ConflictError {
  return new ConflictError('the schedule was changed by someone else meanwhile; reload and retry');
}
