import { ReportDeliveryDto } from './dto/report-delivery.dto';
import { ReportDelivery } from './entities/report-delivery.entity';

export function toReportDeliveryDto(d: ReportDelivery): ReportDeliveryDto {
  return {
    id: d.id,
    report_execution_id: d.report_execution_id,
    recipient_type: d.recipient_type,
    recipient_value: d.recipient_value,
    status: d.status,
    attempts: d.attempts,
    delivered_at: d.delivered_at?.toISOString() ?? null,
    error_message: d.error_message,
    metadata: d.metadata,
  };
}
