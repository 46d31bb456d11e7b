import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { systemActor } from 'src/common/auth/actor';
import { retryUntilSaved } from 'src/common/retry-until-saved';
import { AppConfigService } from 'src/config/app-config.service';
import type { NoticeKind } from 'src/domain/vocabulary';
import type { ExecutionFailed } from 'src/modules/executions/execution-outcome.events';
import { ExecutionsRepository } from 'src/modules/executions/executions.repository';
import { runConfigOf } from 'src/modules/executions/run-config';
import { MembersRepository } from 'src/modules/organizations/members.repository';
import { OrganizationsService } from 'src/modules/organizations/organizations.service';
import { DomainEventBus } from 'src/modules/outbox/domain-event-bus';
import { SchedulesRepository } from 'src/modules/schedules/schedules.repository';
import { SchedulesService } from 'src/modules/schedules/schedules.service';
import { DeliveryQueue } from 'src/queue/delivery-queue';
import { JobAttempt, retriesLeft } from 'src/queue/job-attempt';
import { SendNoticeJob } from 'src/queue/queue.constants';
import {
  PermanentDeliveryError,
  RetryableDeliveryError,
  UnknownOutcomeError,
} from '../delivery.errors';
import { Notice } from '../entities/notice.entity';
import { keepLease, MAX_LOST_ATTEMPTS } from '../lease-heartbeat';
import { NoticeMailer } from '../mail/notice-mailer';
import { NoticesRepository } from './notices.repository';

export type NoticeOutcome = { result: 'sent' | 'skipped' | 'failed'; reason?: string };

/**
 * Tells a schedule's creator, once per failure, that a run (`execution.failed`) or a delivery
 * failed for good, and pauses a schedule whose last N runs all failed; tells the org's admins
 * when a schedule was paused because its creator or a recipient no longer qualifies. Recording the notice and
 * sending it are separate steps (the row is the outbox), so a crash between them loses nothing;
 * notices are unique per kind and execution, so handling an event twice sends nothing twice.
 */
@Injectable()
export class FailureNoticesService implements OnModuleInit {
  private readonly logger = new Logger(FailureNoticesService.name);

  constructor(
    private readonly notices: NoticesRepository,
    private readonly executions: ExecutionsRepository,
    private readonly schedules: SchedulesRepository,
    private readonly schedulesService: SchedulesService,
    private readonly organizations: OrganizationsService,
    private readonly members: MembersRepository,
    private readonly mailer: NoticeMailer,
    private readonly queue: DeliveryQueue,
    private readonly config: AppConfigService,
    private readonly bus: DomainEventBus,
  ) {}

  onModuleInit(): void {
    this.bus.subscribe<ExecutionFailed>('execution.failed', {
      name: 'failure notices',
      handle: async ({ orgId, payload }) => {
        if (payload.access_revoked) {
          await this.accessRevoked(orgId, payload.execution_id, payload.access_revoked);
        } else if (!payload.skipped_reason) {
          // A run not generated because its schedule was paused or deleted is no failure.
          await this.executionFailed(orgId, payload.execution_id);
        }
      },
    });
  }

  /** After a run failed for good: notice, and maybe the automatic pause. */
  async executionFailed(orgId: string, executionId: string): Promise<void> {
    const execution = await this.executions.findOne(orgId, executionId);
    if (!execution || execution.status !== 'failed') return;
    const scheduleId = execution.scheduled_report_id;
    const created = [
      await this.notices.create({
        orgId,
        kind: 'execution_failed',
        subjectId: executionId,
        scheduleId,
        details: { reason: execution.error_message },
      }),
    ];
    const threshold = this.config.values.delivery.autoPauseAfterFailures;
    if (threshold > 0 && (await this.notices.lastRunsAllFailed(orgId, scheduleId, threshold))) {
      if (await this.pause(orgId, scheduleId, `its last ${threshold} runs all failed`)) {
        created.push(
          await this.notices.create({
            orgId,
            kind: 'schedule_paused',
            subjectId: executionId,
            scheduleId,
            details: { reason: execution.error_message, consecutive_failures: threshold },
          }),
        );
      }
    }
    await this.enqueue(orgId, created);
  }

  /** After a delivery failed or bounced for good: one notice per execution. */
  async deliveryFailed(orgId: string, executionId: string): Promise<void> {
    const execution = await this.executions.findOne(orgId, executionId);
    if (!execution) return;
    const id = await this.notices.create({
      orgId,
      kind: 'delivery_failed',
      subjectId: executionId,
      scheduleId: execution.scheduled_report_id,
    });
    await this.enqueue(orgId, [id]);
  }

  /**
   * A run or a delivery was refused because the schedule's creator or a recipient no longer
   * qualifies: the schedule pauses (its next runs would be refused too) and the org's admins are
   * told, once per execution, since the creator may be the one who left.
   */
  async accessRevoked(orgId: string, executionId: string, reason: string): Promise<void> {
    const execution = await this.executions.findOne(orgId, executionId);
    if (!execution) return;
    const scheduleId = execution.scheduled_report_id;
    await this.pause(orgId, scheduleId, `access revoked: ${reason}`);
    const id = await this.notices.create({
      orgId,
      kind: 'access_revoked',
      subjectId: executionId,
      scheduleId,
      details: { reason },
    });
    await this.enqueue(orgId, [id]);
  }

  /** Sends one notice under a lease (as deliveries are sent); throws only when a retry can help. */
  async send(job: SendNoticeJob, attempt: JobAttempt): Promise<NoticeOutcome> {
    const leaseId = randomUUID();
    const leaseMs = this.config.values.queue.lockDurationMs;
    const notice = await this.notices.claim(job.orgId, job.noticeId, leaseId, leaseMs);
    if (!notice) {
      if (await this.notices.isPending(job.orgId, job.noticeId)) {
        throw new RetryableDeliveryError(
          'another attempt is sending this notice right now',
          leaseMs,
        );
      }
      return { result: 'skipped', reason: 'already finished' };
    }
    if (notice.lost_attempts >= MAX_LOST_ATTEMPTS) {
      const reason = `gave up: the worker sending this notice stopped (crashed or was killed) ${notice.lost_attempts} times`;
      await this.notices.finish(job.orgId, notice.id, leaseId, 'failed', reason);
      this.logger.warn(`notice ${notice.id}: ${reason}`);
      return { result: 'failed', reason };
    }
    const stop = keepLease(
      () => this.notices.renew(job.orgId, notice.id, leaseId, leaseMs),
      leaseMs,
    );
    try {
      return await this.attempt(notice, leaseId, attempt);
    } finally {
      stop();
    }
  }

  private async attempt(
    notice: Notice,
    leaseId: string,
    attempt: JobAttempt,
  ): Promise<NoticeOutcome> {
    const orgId = notice.organization_id;
    const skip = async (reason: string): Promise<NoticeOutcome> => {
      await this.notices.finish(orgId, notice.id, leaseId, 'skipped', reason);
      return { result: 'skipped', reason };
    };
    const [execution, schedule] = await Promise.all([
      this.executions.findOne(orgId, notice.subject_id),
      this.schedules.findOne(orgId, notice.scheduled_report_id, { withDeleted: true }),
    ]);
    if (!execution || !schedule) return skip('the execution or schedule no longer exists');
    const to = await this.recipientsOf(notice.kind, orgId, schedule.created_by);
    if (to.length === 0) {
      return skip(
        notice.kind === 'access_revoked'
          ? 'the organization has no active admin with an email address'
          : "the schedule's creator is no longer an active member with an email address",
      );
    }
    const org = await this.organizations.getOrganization(orgId);
    // The name and zone the run was claimed with, as its report and emails carry them.
    const run = runConfigOf(execution, schedule);
    const details = notice.details as { reason?: string; consecutive_failures?: number };
    try {
      await this.mailer.send({
        noticeId: notice.id,
        kind: notice.kind,
        to,
        brandName: org.brand_name?.trim() || org.name,
        scheduleName: run.name,
        scheduleId: schedule.id,
        executionId: execution.id,
        scheduledFor: execution.scheduled_for,
        timezone: run.timezone,
        reason: details.reason ?? execution.error_message ?? 'unknown error',
        failedDeliveries:
          notice.kind === 'delivery_failed'
            ? await this.notices.failedDeliveries(orgId, execution.id)
            : undefined,
        consecutiveFailures: details.consecutive_failures,
        historyUrl: `${this.config.values.publicBaseUrl}/api/scheduled-reports/${schedule.id}/executions`,
      });
    } catch (error) {
      const message = (error as Error).message;
      if (!(error instanceof PermanentDeliveryError) && retriesLeft(attempt)) {
        // Without an answer the server may have it: the resend waits out a lease (same Message-ID).
        const holdMs =
          error instanceof UnknownOutcomeError ? this.config.values.queue.lockDurationMs : 0;
        await this.notices.noteRetry(orgId, notice.id, leaseId, `will retry: ${message}`, holdMs);
        if (holdMs > 0) throw new RetryableDeliveryError(message, holdMs);
        throw error;
      }
      await this.notices.finish(orgId, notice.id, leaseId, 'failed', message);
      return { result: 'failed', reason: message };
    }
    // The mail server accepted it: a database error now must not make it a failed notice.
    await retryUntilSaved(
      () => this.notices.finish(orgId, notice.id, leaseId, 'sent', null),
      (error, n) =>
        this.logger.warn(
          `notice ${notice.id} was sent; recording it failed (${n}): ${error.message}`,
        ),
    );
    return { result: 'sent' };
  }

  /** Access notices go to the org's admins (the creator may have left); the rest to the creator. */
  private async recipientsOf(
    kind: NoticeKind,
    orgId: string,
    creatorId: string,
  ): Promise<string[]> {
    if (kind === 'access_revoked') {
      return (await this.members.findActiveAdmins(orgId)).flatMap((m) =>
        m.email ? [m.email] : [],
      );
    }
    const creator = await this.members.findByUserId(orgId, creatorId);
    return creator?.is_active && creator.email ? [creator.email] : [];
  }

  private async pause(orgId: string, scheduleId: string, why: string): Promise<boolean> {
    const schedule = await this.schedules.findOne(orgId, scheduleId);
    if (!schedule || schedule.status !== 'active') return false;
    try {
      await this.schedulesService.pause(
        { ...systemActor(orgId), userId: 'system:auto-pause' },
        scheduleId,
        why,
      );
      this.logger.warn(`paused schedule ${scheduleId}: ${why}`);
      return true;
    } catch (error) {
      this.logger.warn(`could not auto-pause schedule ${scheduleId}: ${(error as Error).message}`);
      return false;
    }
  }

  private async enqueue(orgId: string, ids: (string | null)[]): Promise<void> {
    const fresh = ids.filter((id): id is string => id !== null);
    await this.queue.notify(fresh.map((id) => ({ id, orgId })));
  }
}
