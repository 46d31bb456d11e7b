import { Injectable } from '@nestjs/common';
import { Actor } from 'src/common/auth/actor';
import { ConflictError, NotFoundError } from 'src/common/errors/domain-error';
import { ErrorCode } from 'src/common/errors/error-codes';
import { TransactionScope } from 'src/database/transaction-scope';
import { AuditService } from 'src/modules/audit/audit.service';
import { ExecutionsService } from 'src/modules/executions/executions.service';
import { toReportExecutionDto } from 'src/modules/executions/report-execution.mapper';
import { RunNowLimiter } from 'src/modules/rate-limits/run-now.limiter';
import { SchedulesService } from 'src/modules/schedules/schedules.service';
import { DeliveryQueue } from 'src/queue/delivery-queue';
import { DeliveriesRepository } from './deliveries.repository';
import { ExecutionWithDeliveriesDto } from './dto/execution-with-deliveries.dto';
import { toReportDeliveryDto } from './report-delivery.mapper';

/**
 * An execution's deliveries from the API: shown with the execution, and resent. A resend puts a
 * failed or bounced delivery back to pending with a new job; rows already sent (or skipped) are
 * never reopened, so nobody already served gets a copy.
 */
@Injectable()
export class ExecutionDeliveriesService {
  constructor(
    private readonly deliveries: DeliveriesRepository,
    private readonly executions: ExecutionsService,
    private readonly schedules: SchedulesService,
    private readonly queue: DeliveryQueue,
    private readonly limiter: RunNowLimiter,
    private readonly audit: AuditService,
    private readonly transactions: TransactionScope,
  ) {}

  /** The execution (visible to the actor) with one delivery per recipient. */
  async detail(actor: Actor, executionId: string): Promise<ExecutionWithDeliveriesDto> {
    const execution = await this.executions.load(actor, executionId);
    const deliveries = await this.deliveries.listForExecution(actor.orgId, executionId);
    return {
      ...toReportExecutionDto(execution),
      deliveries: deliveries.map((d) => toReportDeliveryDto(d, actor)),
    };
  }

  async retryOne(
    actor: Actor,
    executionId: string,
    deliveryId: string,
  ): Promise<ExecutionWithDeliveriesDto> {
    await this.authorize(actor, executionId);
    const delivery = await this.deliveries.findOne(actor.orgId, deliveryId);
    if (!delivery || delivery.report_execution_id !== executionId) {
      throw new NotFoundError(
        ErrorCode.DELIVERY_NOT_FOUND,
        `delivery ${deliveryId} not found in execution ${executionId}`,
      );
    }
    const hit = await this.limiter.consumeResend(actor.orgId, actor.userId);
    const reopened = await this.reopen(actor, executionId, deliveryId);
    if (reopened.length === 0) {
      await hit?.refund();
      throw new ConflictError(
        `delivery ${deliveryId} is ${delivery.status}; only failed or bounced deliveries can be retried`,
      );
    }
    await this.requeue(actor, executionId, reopened);
    return this.detail(actor, executionId);
  }

  async resendFailed(actor: Actor, executionId: string): Promise<ExecutionWithDeliveriesDto> {
    await this.authorize(actor, executionId);
    const hit = await this.limiter.consumeResend(actor.orgId, actor.userId);
    const reopened = await this.reopen(actor, executionId);
    // Nothing failed, nothing resent: the click costs nothing.
    if (reopened.length === 0) await hit?.refund();
    await this.requeue(actor, executionId, reopened);
    return this.detail(actor, executionId);
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

  /** Failed or bounced deliveries back to pending, audited in the same transaction. */
  private reopen(actor: Actor, executionId: string, deliveryId?: string): Promise<string[]> {
    return this.transactions.run(async () => {
      const ids = await this.deliveries.reopenFailed(actor.orgId, executionId, deliveryId);
      if (ids.length === 0) return ids;
      await this.audit.record(actor, {
        action: 'delivery.resent',
        resourceType: 'report_execution',
        resourceId: executionId,
        details: { delivery_ids: ids },
      });
      return ids;
    });
  }

  /** After commit: the reopened rows get jobs (the delivery reconciler covers a failure here). */
  private async requeue(actor: Actor, executionId: string, ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    for (const id of ids) await this.queue.forget(id).catch(() => undefined);
    await this.queue.deliver(ids.map((id) => ({ id, orgId: actor.orgId })));
  }
}
