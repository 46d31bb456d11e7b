import { Inject, Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { RecipientType } from 'src/domain/vocabulary';
import { retryUntilSaved } from 'src/common/retry-until-saved';
import { AppConfigService } from 'src/config/app-config.service';
import { ExecutionsRepository } from 'src/modules/executions/executions.repository';
import { MembersRepository } from 'src/modules/organizations/members.repository';
import { OrganizationsService } from 'src/modules/organizations/organizations.service';
import { EmailBudget } from 'src/modules/rate-limits/email-budget';
import { ScheduleAccessPolicy } from 'src/modules/schedules/schedule-access.policy';
import { SchedulesRepository } from 'src/modules/schedules/schedules.repository';
import { JobAttempt, retriesLeft } from 'src/queue/job-attempt';
import { DeliverReportJob } from 'src/queue/queue.constants';
import { DELIVERY_CHANNELS, DeliveryChannel, DeliverySent } from './delivery-channel';
import { ContextParts, DeliveryContextFactory } from './delivery-context.factory';
import {
  PermanentDeliveryError,
  RetryableDeliveryError,
  UnknownOutcomeError,
} from './delivery.errors';
import { DeliveriesRepository } from './deliveries.repository';
import { ReportDelivery } from './entities/report-delivery.entity';
import { acceptedLate, keepLease, MAX_LOST_ATTEMPTS } from './lease-heartbeat';
import { FailureNoticesService } from './notices/failure-notices.service';
import { UnsubscribeService } from './unsubscribe/unsubscribe.service';

export type DeliveryOutcome =
  | { result: 'sent' }
  | { result: 'failed' | 'bounced'; reason: string }
  | { result: 'skipped'; reason: string };

type Skip = { skip: string; message: string };

export { MAX_LOST_ATTEMPTS };
/** How long a send the SMTP backstop gave up on may still settle while its lease is kept. */
const IN_FLIGHT_GRACE_MS = 90_000;

/**
 * Sends one delivery: claim it under a lease, decide whether it still should go (unsubscribed,
 * member gone, file expired), hand it to its channel, record the outcome. Never regenerates the
 * report, never sends a row that is already `sent`, and fences duplicate jobs with the lease.
 * Once a send went out the lease is never released early: accepted, it is held until `sent`
 * commits; unanswered (`unknown`), until the send settled and one more lease period passed.
 */
@Injectable()
export class ReportDeliveryService {
  private readonly logger = new Logger(ReportDeliveryService.name);

  constructor(
    private readonly deliveries: DeliveriesRepository,
    private readonly executions: ExecutionsRepository,
    private readonly schedules: SchedulesRepository,
    private readonly access: ScheduleAccessPolicy,
    private readonly emailBudget: EmailBudget,
    private readonly organizations: OrganizationsService,
    private readonly members: MembersRepository,
    private readonly unsubscribes: UnsubscribeService,
    private readonly contexts: DeliveryContextFactory,
    private readonly notices: FailureNoticesService,
    private readonly config: AppConfigService,
    @Inject(DELIVERY_CHANNELS) private readonly channels: Record<RecipientType, DeliveryChannel>,
  ) {}

  /** Throws only when another attempt can help; Bull then retries with backoff. */
  async deliver(job: DeliverReportJob, attempt: JobAttempt): Promise<DeliveryOutcome> {
    const leaseId = randomUUID();
    const leaseMs = this.config.values.queue.lockDurationMs;
    const delivery = await this.deliveries.claim(job.orgId, job.deliveryId, leaseId, leaseMs);
    if (!delivery) {
      const current = await this.deliveries.findOne(job.orgId, job.deliveryId);
      if (current?.status === 'pending' || current?.status === 'unknown') {
        // A live attempt (or one that just died) holds it; look again once its lease is over.
        throw new RetryableDeliveryError('another attempt is delivering this right now', leaseMs);
      }
      return { result: 'skipped', reason: current ? `already ${current.status}` : 'not found' };
    }
    const lost = Number(delivery.metadata.lost_attempts ?? 0);
    if (lost >= MAX_LOST_ATTEMPTS) {
      return this.fail(
        delivery,
        leaseId,
        `gave up: the worker sending this delivery stopped (crashed or was killed) ${lost} times`,
      );
    }
    // The lease outlives a slow peer, and a database outage after the peer accepted, as long as
    // this attempt is alive, and no longer.
    const stop = keepLease(
      () => this.deliveries.claimRenew(job.orgId, delivery.id, leaseId, leaseMs),
      leaseMs,
    );
    try {
      return await this.attempt(delivery, leaseId, attempt);
    } finally {
      stop();
    }
  }

  private async attempt(
    delivery: ReportDelivery,
    leaseId: string,
    attempt: JobAttempt,
  ): Promise<DeliveryOutcome> {
    const orgId = delivery.organization_id;
    let sent: DeliverySent;
    try {
      const parts = await this.gather(delivery, leaseId, attempt.number);
      if ('skip' in parts) {
        await this.deliveries.markFinal(orgId, delivery.id, leaseId, 'skipped', parts.message, {
          reason: parts.skip,
        });
        return { result: 'skipped', reason: parts.skip };
      }
      const channel = this.channels[delivery.recipient_type];
      if (
        channel.countsAsEmail &&
        !(await this.emailBudget.spend(parts.organization, delivery.id))
      ) {
        throw new PermanentDeliveryError(
          `the organization's daily budget of ${parts.organization.email_budget_per_day} report ` +
            'emails is used up; resend this delivery tomorrow, or an admin raises email_budget_per_day',
        );
      }
      sent = await channel.send(this.contexts.build(parts, channel));
    } catch (error) {
      if (error instanceof UnknownOutcomeError) {
        return this.onUnknown(delivery, leaseId, attempt, error);
      }
      return this.onError(delivery, leaseId, attempt, error as Error);
    }
    return this.recordSent(delivery, leaseId, sent.metadata ?? {});
  }

  /**
   * The peer accepted: from here on, an error is the database's, never a failed send (which
   * would be retried or reported as failed although the recipient has the report). The lease is
   * kept (the heartbeat runs until this returns) however long the database takes.
   */
  private async recordSent(
    delivery: ReportDelivery,
    leaseId: string,
    metadata: Record<string, unknown>,
  ): Promise<DeliveryOutcome> {
    const recorded = await retryUntilSaved(
      () => this.deliveries.markSent(delivery.organization_id, delivery.id, leaseId, metadata),
      (error, n) =>
        this.logger.warn(
          `delivery ${delivery.id} was sent; recording it failed (${n}): ${error.message}`,
        ),
    );
    if (!recorded) {
      this.logger.error(
        `delivery ${delivery.id} was sent but its lease was lost before it was recorded`,
      );
    }
    return { result: 'sent' };
  }

  /**
   * The message went out and no answer came: recorded `unknown`, and never released. A send
   * still running is waited for under the lease; otherwise the delivery stays leased for one more
   * lease period and is then sent again under the same Message-ID / X-Event-Id.
   */
  private async onUnknown(
    delivery: ReportDelivery,
    leaseId: string,
    attempt: JobAttempt,
    error: UnknownOutcomeError,
  ): Promise<DeliveryOutcome> {
    const orgId = delivery.organization_id;
    const leaseMs = this.config.values.queue.lockDurationMs;
    this.logger.warn(
      `delivery ${delivery.id} attempt ${attempt.number}/${attempt.max}: outcome unknown: ${error.message}`,
    );
    await this.deliveries
      .markUnknown(orgId, delivery.id, leaseId, `outcome unknown: ${error.message}`)
      .catch(() => undefined);
    if (error.inFlight && (await acceptedLate(error.inFlight, IN_FLIGHT_GRACE_MS))) {
      return this.recordSent(delivery, leaseId, { accepted_late: true });
    }
    if (!retriesLeft(attempt)) {
      return this.fail(
        delivery,
        leaseId,
        `gave up after ${attempt.number} attempts; the last one's outcome is unknown ` +
          `(${error.message}), so the recipient may have it`,
      );
    }
    await this.deliveries.endLeaseLater(orgId, delivery.id, leaseId, leaseMs);
    throw new RetryableDeliveryError(
      `${error.message}; the outcome is unknown, so it is sent again under the same id once the lease lapses`,
      leaseMs,
    );
  }

  private async onError(
    delivery: ReportDelivery,
    leaseId: string,
    attempt: JobAttempt,
    error: Error,
  ): Promise<DeliveryOutcome> {
    const permanent = error instanceof PermanentDeliveryError;
    if (!permanent && retriesLeft(attempt)) {
      this.logger.warn(
        `delivery ${delivery.id} attempt ${attempt.number}/${attempt.max} failed: ${error.message}`,
      );
      await this.deliveries.release(
        delivery.organization_id,
        delivery.id,
        leaseId,
        `attempt ${attempt.number} failed, will retry: ${error.message}`,
      );
      throw error;
    }
    const message = permanent
      ? error.message
      : `gave up after ${attempt.number} attempts: ${error.message}`;
    return this.fail(delivery, leaseId, message, permanent ? error.outcome : 'failed');
  }

  private async fail(
    delivery: ReportDelivery,
    leaseId: string,
    message: string,
    status: 'failed' | 'bounced' = 'failed',
  ): Promise<DeliveryOutcome> {
    const orgId = delivery.organization_id;
    if (!(await this.deliveries.markFinal(orgId, delivery.id, leaseId, status, message))) {
      // A stale attempt: another one took the delivery over, and its outcome stands.
      return { result: 'skipped', reason: 'another attempt took this delivery over' };
    }
    await this.notices.deliveryFailed(orgId, delivery.report_execution_id);
    return { result: status, reason: message };
  }

  /** Loads what the send needs, or says why this delivery should not go out at all. */
  private async gather(
    delivery: ReportDelivery,
    leaseId: string,
    attempt: number,
  ): Promise<ContextParts | Skip> {
    const orgId = delivery.organization_id;
    const execution = await this.executions.findOne(orgId, delivery.report_execution_id);
    if (!execution || execution.status !== 'completed' || !execution.file_key) {
      throw new PermanentDeliveryError('the execution has no report file to deliver');
    }
    if (execution.file_expired_at) {
      throw new PermanentDeliveryError('the report file was deleted by the retention policy');
    }
    const schedule = await this.schedules.findOne(orgId, execution.scheduled_report_id, {
      withDeleted: true,
    });
    if (!schedule || schedule.deleted_at) {
      return { skip: 'schedule_deleted', message: 'the schedule was deleted before delivery' };
    }
    const recipientType = delivery.recipient_type;
    const unsubscribed = await this.unsubscribes.isUnsubscribed({
      orgId,
      scheduleId: schedule.id,
      recipientType,
      recipientValue: delivery.recipient_value,
    });
    if (unsubscribed) {
      return { skip: 'unsubscribed', message: 'the recipient unsubscribed from this schedule' };
    }
    const organization = await this.organizations.getOrganization(orgId);
    // Checked again now: since the run, the creator may have lost the right to send this report,
    // or the recipient may have left the org's rules (a domain removed from the allow list).
    const revoked =
      (await this.access.creatorProblem(schedule)) ??
      (recipientType === 'user_id'
        ? null
        : await this.access.recipientProblem(organization, {
            type: recipientType,
            value: delivery.recipient_value,
          }));
    if (revoked) {
      await this.notices.accessRevoked(orgId, execution.id, revoked);
      return { skip: 'access_revoked', message: `not delivered: ${revoked}` };
    }
    const parts = { delivery, leaseId, attempt, organization, schedule, execution };
    if (recipientType === 'email') return { ...parts, email: delivery.recipient_value };
    if (recipientType !== 'user_id') return parts;
    const member = await this.members.findByUserId(orgId, delivery.recipient_value);
    if (!member) return { skip: 'member_removed', message: 'the member left the organization' };
    if (!member.is_active) {
      return { skip: 'member_inactive', message: 'the member is deactivated' };
    }
    if (!member.email)
      return { skip: 'member_no_email', message: 'the member has no email address' };
    return { ...parts, email: member.email, memberName: member.name ?? undefined };
  }
}
