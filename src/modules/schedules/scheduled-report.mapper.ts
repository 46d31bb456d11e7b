import { Actor, hasRole } from 'src/common/auth/actor';
import { maskUrl } from 'src/common/net/mask-url';
import type { ScheduledRun } from './calendar/schedule-config';
import { LastExecutionDto } from './dto/last-execution.dto';
import { NextRunDto } from './dto/next-run.dto';
import { ScheduledReportDto } from './dto/scheduled-report.dto';
import { ScheduledReport } from './entities/scheduled-report.entity';

/**
 * A schedule as the API shows it. Webhook URLs often carry a secret in their path or query:
 * admins and the schedule's creator (who must be able to edit it) see them whole, anyone else
 * the scheme and host only. `lastExecution` is its latest run (LastExecutionsRepository).
 */
export function toScheduledReportDto(
  s: ScheduledReport,
  viewer: Pick<Actor, 'roles' | 'userId'>,
  lastExecution: LastExecutionDto | null,
): ScheduledReportDto {
  const full = hasRole(viewer, 'admin') || viewer.userId === s.created_by;
  return {
    id: s.id,
    organization_id: s.organization_id,
    created_by: s.created_by,
    name: s.name,
    description: s.description,
    report_type: s.report_type,
    schedule_config: s.schedule_config,
    recipients: full
      ? s.recipients
      : s.recipients.map((r) => (r.type === 'webhook' ? { ...r, value: maskUrl(r.value) } : r)),
    report_parameters: s.report_parameters,
    output_format: s.output_format,
    delivery_options: s.delivery_options,
    is_active: s.status === 'active' && s.deleted_at === null,
    status: s.status,
    paused_by: s.status === 'paused' ? s.paused_by : null,
    paused_reason: s.status === 'paused' ? s.paused_reason : null,
    last_run_at: s.last_run_at?.toISOString() ?? null,
    next_run_at: s.next_run_at?.toISOString() ?? null,
    last_execution: lastExecution,
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
