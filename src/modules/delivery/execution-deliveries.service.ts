import { Injectable } from '@nestjs/common';
import { Actor } from 'src/common/auth/actor';
import { ConflictError, NotFoundError } from 'src/common/errors/domain-error';
import { ErrorCode } from 'src/common/errors/error-codes';
import { AuditService } from 'src/modules/audit/audit.service';
import { ReportExecutionDto } from 'src/modules/executions/dto/report-execution.dto';
import { ExecutionsService } from 'src/modules/executions/executions.service';
import { SchedulesService } from 'src/modules/schedules/schedules.service';
import { DeliveryQueue } from 'src/queue/delivery-queue';
import { DeliveriesRepository } from './deliveries.repository';

/**
 * Manual resends from the API: a failed or bounced delivery goes back to pending and gets a new
 * job. Rows already sent (or skipped) are never reopened, so nobody already served gets a copy.
 */
@Injectable()
export class DeliveryResendService {
  constructor(
    private readonly deliveries: DeliveriesRepository,
    private readonly executions: ExecutionsService,
    private readonly schedules: SchedulesService,
    private readonly queue: DeliveryQueue,
    private readonly audit: AuditService,
  ) {}

  async retryOne(
    actor: Actor,
    executionId: string,
    deliveryId: string,
  ): Promise<ReportExecutionDto> {
    await this.authorize(actor, executionId);
    const delivery = await this.deliveries.findOne(actor.orgId, deliveryId);
    if (!delivery || delivery.report_execution_id !== executionId) {
      throw new NotFoundError(
        ErrorCode.DELIVERY_NOT_FOUND,
        `delivery ${deliveryId} not found in execution ${executionId}`,
      );
    }
    const reopened = await this.deliveries.reopenFailed(actor.orgId, executionId, deliveryId);
    if (reopened.length === 0) {
      throw new ConflictError(
        `delivery ${deliveryId} is ${delivery.status}; only failed or bounced deliveries can be retried`,
      );
    }
    await this.requeue(actor, executionId, reopened);
    return this.executions.get(actor, executionId);
  }

  async resendFailed(actor: Actor, executionId: string): Promise<ReportExecutionDto> {
    await this.authorize(actor, executionId);
    const reopened = await this.deliveries.reopenFailed(actor.orgId, executionId);
    await this.requeue(actor, executionId, reopened);
    return this.executions.get(actor, executionId);
  }

  /** Resending is running the schedule again, for its recipients: editors of their own, admins. */
  private async authorize(actor: Actor, executionId: string): Promise<void> {
    const execution = await this.executions.load(actor, executionId);
    await this.schedules.loadForChange(actor, execution.scheduled_report_id);
    if (execution.status !== 'completed') {
      throw new ConflictError(
        `execution ${executionId} is ${execution.status}; it has no report to resend`,
      );
    }
  }

  private async requeue(actor: Actor, executionId: string, ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    for (const id of ids) await this.queue.forget(id).catch(() => undefined);
    await this.queue.deliver(ids.map((id) => ({ id, orgId: actor.orgId })));
    await this.audit.record(actor, {
      action: 'delivery.resent',
      resourceType: 'report_execution',
      resourceId: executionId,
      details: { delivery_ids: ids },
    });
  }
}
