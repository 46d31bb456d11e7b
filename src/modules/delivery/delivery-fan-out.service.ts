import { Injectable, OnModuleInit } from '@nestjs/common';
import type { ExecutionCompleted } from 'src/modules/executions/execution-outcome.events';
import { ExecutionsRepository } from 'src/modules/executions/executions.repository';
import { RunConfig, runConfigOf } from 'src/modules/executions/run-config';
import { DomainEvent, DomainEventBus } from 'src/modules/outbox/domain-event-bus';
import type { ScheduledReport } from 'src/modules/schedules/entities/scheduled-report.entity';
import { SchedulesRepository } from 'src/modules/schedules/schedules.repository';
import { DeliveryQueue } from 'src/queue/delivery-queue';
import { DeliveriesRepository, PlannedDelivery } from './deliveries.repository';

/**
 * When a run completes (`execution.completed`): one delivery row per recipient, then one job
 * each. The event is in the outbox, so this runs for every completed run, at least once; the
 * rows are unique per execution and recipient, so running it again adds nothing.
 * skip_if_empty and only_if_changed are decided here, once, and recorded as `skipped` rows.
 * Recipients and options are the ones copied when the run was claimed: an edit after the claim
 * is for the next run, as it is for generation.
 */
@Injectable()
export class DeliveryFanOutService implements OnModuleInit {
  constructor(
    private readonly deliveries: DeliveriesRepository,
    private readonly executions: ExecutionsRepository,
    private readonly schedules: SchedulesRepository,
    private readonly queue: DeliveryQueue,
    private readonly bus: DomainEventBus,
  ) {}

  onModuleInit(): void {
    this.bus.subscribe<ExecutionCompleted>('execution.completed', {
      name: 'delivery fan-out',
      handle: async (event) => void (await this.fanOut(event)),
    });
  }

  /** The ids of the run's pending deliveries, each now with its job (or left to the reconciler). */
  async fanOut(event: DomainEvent<ExecutionCompleted>): Promise<string[]> {
    const { orgId, payload: run } = event;
    const schedule = await this.schedules.findOne(orgId, run.schedule_id, { withDeleted: true });
    // Deleted schedules keep their row (soft delete); a missing one took its executions along.
    if (!schedule) return [];
    const execution = await this.executions.findOne(orgId, run.execution_id);
    if (!execution) return [];
    const config = runConfigOf(execution, schedule);
    const skip = await this.skipReason(orgId, schedule, config, run);
    const planned: PlannedDelivery[] = (config.recipients ?? []).map((r) => ({
      type: r.type,
      value: r.value,
      ...(skip ? { skip } : {}),
    }));
    const pending = await this.deliveries.createForExecution(orgId, run.execution_id, planned);
    // Best effort: the delivery reconciler enqueues whatever Redis did not take.
    await this.queue.deliver(pending.map((id) => ({ id, orgId })));
    return pending;
  }

  private async skipReason(
    orgId: string,
    schedule: ScheduledReport,
    config: RunConfig,
    run: ExecutionCompleted,
  ): Promise<PlannedDelivery['skip']> {
    const options = config.delivery_options ?? {};
    if (options.skip_if_empty && run.rows === 0) {
      return { reason: 'empty', message: 'the report has no rows (skip_if_empty)' };
    }
    if (options.only_if_changed) {
      const last = await this.deliveries.lastDeliveredContentHash(
        orgId,
        schedule.id,
        run.execution_id,
      );
      if (last === run.content_sha256) {
        return {
          reason: 'unchanged',
          message: 'the content is the same as the last delivered report (only_if_changed)',
        };
      }
    }
    return undefined;
  }
}
