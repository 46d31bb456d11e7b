import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { Cron } from '@nestjs/schedule';
import { BackgroundPass } from 'src/common/background-pass';
import { Clock } from 'src/common/clock';
import { AppConfigService } from 'src/config/app-config.service';
import { GenerationDispatcher } from 'src/modules/executions/dispatch/generation-dispatcher.service';
import { planDueSlot } from './plan-due-slot';
import type { SlotKey } from 'src/modules/schedules/calendar/schedule-config';
import {
  CreatedExecution,
  DueSchedule,
  ScheduleAdvance,
  SchedulerRepository,
  SlotToRun,
} from './scheduler.repository';
import { TzdataSyncService } from './tzdata-sync.service';

export interface TickResult {
  claimed: number;
  created: number;
  /** Runs the tick's dispatch pass put on the queue (this tick's and earlier waiting ones). */
  dispatched: number;
  enqueued: boolean;
  batches: number;
}

/**
 * The due-schedule scanner. Each tick claims due schedules batch by batch, creates one
 * execution per slot, advances next_run_at from the claimed slot, commits, then runs a dispatch
 * pass, which puts each organization's runs on the queue as far as its cap allows.
 */
@Injectable()
export class SchedulerService implements OnModuleDestroy {
  private readonly logger = new Logger(SchedulerService.name);
  // A long tick still draining is never overlapped in one process.
  private readonly pass = new BackgroundPass<TickResult>(this.logger, 'tick', (result) =>
    result.created > 0 ? `claimed ${result.claimed}, created ${result.created} execution(s)` : null,
  );

  constructor(
    private readonly repository: SchedulerRepository,
    private readonly dispatcher: GenerationDispatcher,
    private readonly config: AppConfigService,
    private readonly clock: Clock,
    private readonly tzdata: TzdataSyncService,
  ) {}

  /** Shutting down: claims nothing more, and lets a tick under way commit and enqueue. */
  onModuleDestroy(): Promise<void> {
    return this.pass.stop();
  }

  // Every 5 seconds, on the second: a 09:00 slot starts within seconds of 09:00.
  @Cron('*/5 * * * * *', { name: 'scheduler-tick' })
  onTick(): Promise<void> {
    return this.pass.run(() => this.tick());
  }

  /** Drains every due schedule now; safe to run in many processes at once. */
  async tick(): Promise<TickResult> {
    const { batchSize } = this.config.values.scheduler;
    // Newer tz data first: the slots it moved are claimed at their new instants.
    await this.tzdata.syncIfChanged();
    const total: TickResult = {
      claimed: 0,
      created: 0,
      dispatched: 0,
      enqueued: true,
      batches: 0,
    };
    for (;;) {
      const { claimed, created } = await this.claimBatch(batchSize);
      total.batches += 1;
      total.claimed += claimed;
      total.created += created.length;
      if (claimed < batchSize) break;
    }
    // The new runs wait in the database for their organization's turn; the rows are the outbox,
    // so a failed enqueue loses nothing (the reconciler enqueues dispatched rows Redis lacks).
    if (total.created > 0) {
      const dispatch = await this.dispatcher.dispatch();
      total.dispatched = dispatch.dispatched;
      total.enqueued = dispatch.enqueued;
    }
    return total;
  }

  private claimBatch(limit: number): Promise<{ claimed: number; created: CreatedExecution[] }> {
    const graceMs = this.config.values.scheduler.misfireGraceSeconds * 1000;
    return this.repository.transaction(async (tx) => {
      // The database's clock, not this process's: a skewed scheduler neither runs early nor skips.
      const now = await tx.databaseNow(this.clock);
      const due = await tx.claimDue(now, limit);
      const slots: SlotToRun[] = [];
      const advances: ScheduleAdvance[] = [];
      const skipped: { orgId: string; scheduleId: string; slots: Date[]; count: number }[] = [];
      for (const schedule of due) {
        const plan = planDueSlot(
          schedule.schedule_config,
          new Date(schedule.next_run_at),
          now,
          graceMs,
          storedKey(schedule),
        );
        if (plan.run && plan.runKey) {
          slots.push({
            scheduleId: schedule.id,
            orgId: schedule.organization_id,
            scheduledFor: plan.run,
            key: plan.runKey,
            zone: schedule.schedule_config.timezone,
            skipped: plan.skipped,
          });
        }
        if (plan.skippedCount > 0) {
          skipped.push({
            orgId: schedule.organization_id,
            scheduleId: schedule.id,
            slots: plan.skipped,
            count: plan.skippedCount,
          });
        }
        advances.push({
          scheduleId: schedule.id,
          nextRunAt: plan.nextRunAt,
          nextKey: plan.nextKey,
          lastRunAt: plan.run,
        });
      }
      // A slot whose previous run is still in flight is skipped where the org coalesces.
      const overlapping = new Map((await tx.findOverlapping(slots)).map((o) => [o.schedule_id, o]));
      const coalesced = slots.filter((s) => overlapping.has(s.scheduleId));
      for (const advance of advances) {
        if (overlapping.has(advance.scheduleId)) advance.lastRunAt = null;
      }
      const created = await tx.insertExecutions(
        slots.filter((s) => !overlapping.has(s.scheduleId)),
      );
      await tx.recordCoalesced(
        coalesced.map((s) => {
          const running = overlapping.get(s.scheduleId)!;
          return {
            orgId: s.orgId,
            scheduleId: s.scheduleId,
            slot: s.scheduledFor,
            executionId: running.execution_id,
            status: running.status,
          };
        }),
      );
      await tx.advance(advances);
      await tx.recordSkipped(skipped);
      return { claimed: due.length, created };
    });
  }
}

/** The pending slot's nominal time as stored, or null for the planner to read from the instant. */
function storedKey(schedule: DueSchedule): SlotKey | null {
  if (schedule.next_slot_local === null) return null;
  return { local: schedule.next_slot_local, fold: schedule.next_slot_fold === 1 ? 1 : 0 };
}
