import { ReportDelivery } from 'src/modules/delivery/entities/report-delivery.entity';
import { ReportDeliveryDto } from './dto/report-delivery.dto';
import { ReportExecutionDto } from './dto/report-execution.dto';
import { ReportExecution } from './entities/report-execution.entity';

const iso = (d: Date | null) => d?.toISOString() ?? null;

export function toReportExecutionDto(
  e: ReportExecution,
  deliveries?: ReportDelivery[],
): ReportExecutionDto {
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
    ...(deliveries ? { deliveries: deliveries.map(toReportDeliveryDto) } : {}),
  };
}

export function toReportDeliveryDto(d: ReportDelivery): ReportDeliveryDto {
  return {
    id: d.id,
    report_execution_id: d.report_execution_id,
    recipient_type: d.recipient_type,
    recipient_value: d.recipient_value,
    status: d.status,
    attempts: d.attempts,
    delivered_at: iso(d.delivered_at),
    error_message: d.error_message,
    metadata: d.metadata,
  };
}
