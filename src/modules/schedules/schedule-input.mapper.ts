import { CreateScheduledReportDto } from './dto/create-scheduled-report.dto';
import { PatchScheduledReportDto } from './dto/patch-scheduled-report.dto';
import { ScheduleInput } from './schedule-input.validator';

/** Create and PUT: every editable field, absent optional ones at their defaults. */
export function toScheduleInput(dto: CreateScheduledReportDto): ScheduleInput {
  const plain = toPlain<ScheduleInput>(dto);
  return {
    ...plain,
    description: plain.description ?? null,
    delivery_options: plain.delivery_options ?? {},
  };
}

/** PATCH: only the fields sent; the rest keep their stored value. */
export function toScheduleChanges(dto: PatchScheduledReportDto): Partial<ScheduleInput> {
  return toPlain<Partial<ScheduleInput>>(dto);
}

/** Class instances to plain JSON, dropping undefined fields. */
function toPlain<T>(dto: object): T {
  return JSON.parse(JSON.stringify(dto)) as T;
}
