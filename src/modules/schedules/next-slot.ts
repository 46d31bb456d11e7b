import { nextRuns } from './calendar/schedule-calculator';
import type { ScheduleConfig } from './calendar/schedule-config';
import type { ScheduledReport } from './entities/scheduled-report.entity';

/** A schedule's pending slot: its instant and its nominal local time. */
export type NextSlot = Pick<ScheduledReport, 'next_run_at' | 'next_slot_local' | 'next_slot_fold'>;

export const NO_NEXT_SLOT: NextSlot = {
  next_run_at: null,
  next_slot_local: null,
  next_slot_fold: null,
};

/** The first slot strictly after `after`, or none when the schedule has no more runs. */
export function nextSlotAfter(config: ScheduleConfig, after: Date): NextSlot {
  const [run] = nextRuns(config, after, 1);
  if (!run) return NO_NEXT_SLOT;
  return { next_run_at: run.at, next_slot_local: run.slot.local, next_slot_fold: run.slot.fold };
}
