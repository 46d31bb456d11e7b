import { Actor } from 'src/common/auth/actor';
import { ReportDeliveryDto } from './dto/report-delivery.dto';
import { ReportDelivery } from './entities/report-delivery.entity';

/** `viewer` decides how much of the delivery's failure details the answer may show. */
export function toReportDeliveryDto(
  d: ReportDelivery,
  viewer: Pick<Actor, 'roles'>,
): ReportDeliveryDto {
  void viewer;
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
