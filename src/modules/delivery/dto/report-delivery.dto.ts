import { ApiProperty } from '@nestjs/swagger';
import {
  DELIVERY_STATUSES,
  DeliveryStatus,
  RECIPIENT_TYPES,
  RecipientType,
} from 'src/domain/vocabulary';

/** One recipient's copy of an execution. */
export class ReportDeliveryDto {
  @ApiProperty({ example: '1c6f0e2a-3b4d-4e5f-8a9b-0c1d2e3f4a5b' })
  id: string;

  @ApiProperty({ example: '8d7c6b5a-4f3e-4d2c-9b1a-0f9e8d7c6b5a' })
  report_execution_id: string;

  @ApiProperty({ enum: RECIPIENT_TYPES, example: 'email' })
  recipient_type: RecipientType;

  @ApiProperty({
    example: 'finance@acme.example',
    description:
      "A webhook URL is shown to admins only; others see its scheme and host (`https://hooks.example.com/…`), since the path often holds the receiver's secret",
  })
  recipient_value: string;

  @ApiProperty({ enum: DELIVERY_STATUSES, example: 'sent' })
  status: DeliveryStatus;

  @ApiProperty({ example: 1 })
  attempts: number;

  @ApiProperty({ example: '2026-11-30T14:00:07.000Z', nullable: true, type: String })
  delivered_at: string | null;

  @ApiProperty({
    example: null,
    nullable: true,
    type: String,
    description:
      'Why the delivery failed. Admins read it whole; others see receiver bodies, URLs, IP addresses and host names masked',
  })
  error_message: string | null;

  @ApiProperty({
    type: Object,
    example: { message_id: '<d-1c6f0e2a@reports.local>' },
    description: 'Masked like error_message for non-admins, except ids, counts and skip reasons',
  })
  metadata: Record<string, unknown>;
}
