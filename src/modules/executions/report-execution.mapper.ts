import { ReportExecutionDto } from './dto/report-execution.dto';
import { ReportExecution } from './entities/report-execution.entity';

const iso = (d: Date | null) => d?.toISOString() ?? null;

export function toReportExecutionDto(e: ReportExecution): ReportExecutionDto {
  return {
    id: e.id,
    scheduled_report_id: e.scheduled_report_id,
    trigger: e.trigger,
    scheduled_for: e.scheduled_for.toISOString(),
    status: e.status,
    started_at: iso(e.started_at),
    completed_at: iso(e.completed_at),
    error_message: e.error_message,
    file_size: e.file_size,
    file_expired_at: iso(e.file_expired_at),
    execution_time_ms: e.execution_time_ms,
    retry_count: e.retry_count,
    metadata: e.metadata,
  };
}
