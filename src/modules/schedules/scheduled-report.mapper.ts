import type { ScheduledRun } from './calendar/schedule-config';
import { NextRunDto } from './dto/next-run.dto';
import { ScheduledReportDto } from './dto/scheduled-report.dto';
import { ScheduledReport } from './entities/scheduled-report.entity';

export function toScheduledReportDto(s: ScheduledReport): ScheduledReportDto {
  return {
    id: s.id,
    organization_id: s.organization_id,
    created_by: s.created_by,
    name: s.name,
    description: s.description,
    report_type: s.report_type,
    schedule_config: s.schedule_config,
    recipients: s.recipients,
    report_parameters: s.report_parameters,
    output_format: s.output_format,
    delivery_options: s.delivery_options,
    is_active: s.status === 'active' && s.deleted_at === null,
    status: s.status,
    last_run_at: s.last_run_at?.toISOString() ?? null,
    next_run_at: s.next_run_at?.toISOString() ?? null,
    created_at: s.created_at.toISOString(),
    updated_at: s.updated_at.toISOString(),
  };
}

export function toNextRunDto(run: ScheduledRun): NextRunDto {
  return {
    at: run.at.toISOString(),
    local: run.local,
    utc_offset: run.utcOffset,
    ...(run.note ? { note: run.note.message, note_code: run.note.code } : {}),
  };
}
