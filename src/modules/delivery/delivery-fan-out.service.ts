import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import type { ScheduledReport } from 'src/modules/schedules/entities/scheduled-report.entity';
import { DeliveryQueue } from 'src/queue/delivery-queue';
import { DeliveriesRepository, PlannedDelivery } from './deliveries.repository';

export interface CompletedRun {
  orgId: string;
  executionId: string;
  rows: number;
  /** Hash of the uncompressed content, for only_if_changed. */
  contentSha256: string;
}

/**
 * When a run completes: one delivery row per recipient, created in the same transaction that
 * marks the run completed (so a completed run always has its deliveries), then one job each.
 * skip_if_empty and only_if_changed are decided here, once, and recorded as `skipped` rows.
 */
@Injectable()
export class DeliveryFanOutService {
  constructor(
    private readonly deliveries: DeliveriesRepository,
    private readonly queue: DeliveryQueue,
  ) {}

  /** Inside the completion transaction; returns the pending delivery ids to enqueue after commit. */
  async plan(
    manager: EntityManager,
    schedule: ScheduledReport,
    run: CompletedRun,
  ): Promise<string[]> {
    const skip = await this.skipReason(manager, schedule, run);
    const planned: PlannedDelivery[] = schedule.recipients.map((r) => ({
      type: r.type,
      value: r.value,
      ...(skip ? { skip } : {}),
    }));
    return this.deliveries.createForExecution(manager, run.orgId, run.executionId, planned);
  }

  /** Best effort: the delivery reconciler enqueues whatever Redis did not take. */
  async enqueue(orgId: string, deliveryIds: string[]): Promise<void> {
    await this.queue.deliver(deliveryIds.map((id) => ({ id, orgId })));
  }

  private async skipReason(
    manager: EntityManager,
    schedule: ScheduledReport,
    run: CompletedRun,
  ): Promise<PlannedDelivery['skip']> {
    const options = schedule.delivery_options ?? {};
    if (options.skip_if_empty && run.rows === 0) {
      return { reason: 'empty', message: 'the report has no rows (skip_if_empty)' };
    }
    if (options.only_if_changed) {
      const last = await this.deliveries.lastDeliveredContentHash(
        manager,
        run.orgId,
        schedule.id,
        run.executionId,
      );
      if (last === run.contentSha256) {
        return {
          reason: 'unchanged',
          message: 'the content is the same as the last delivered report (only_if_changed)',
        };
      }
    }
    return undefined;
  }
}
