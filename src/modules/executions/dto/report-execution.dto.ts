import { ApiProperty } from '@nestjs/swagger';
import {
  EXECUTION_STATUSES,
  EXECUTION_TRIGGERS,
  ExecutionStatus,
  ExecutionTrigger,
} from 'src/domain/vocabulary';

/** One run of a schedule. */
export class ReportExecutionDto {
  @ApiProperty({ example: '8d7c6b5a-4f3e-4d2c-9b1a-0f9e8d7c6b5a' })
  id: string;

  @ApiProperty({ example: '3fa85f64-5717-4562-b3fc-2c963f66afa6' })
  scheduled_report_id: string;

  @ApiProperty({ enum: EXECUTION_TRIGGERS, example: 'schedule' })
  trigger: ExecutionTrigger;

  @ApiProperty({ example: '2026-11-30T14:00:00.000Z', description: 'The slot this run belongs to' })
  scheduled_for: string;

  @ApiProperty({ enum: EXECUTION_STATUSES, example: 'completed' })
  status: ExecutionStatus;

  @ApiProperty({ example: '2026-11-30T14:00:01.000Z', nullable: true, type: String })
  started_at: string | null;

  @ApiProperty({ example: '2026-11-30T14:00:03.000Z', nullable: true, type: String })
  completed_at: string | null;

  @ApiProperty({ example: null, nullable: true, type: String })
  error_message: string | null;

  @ApiProperty({ example: 48213, nullable: true, type: Number, description: 'Bytes' })
  file_size: number | null;

  @ApiProperty({
    example: null,
    nullable: true,
    type: String,
    description: 'When retention deleted the file',
  })
  file_expired_at: string | null;

  @ApiProperty({ example: 2140, nullable: true, type: Number })
  execution_time_ms: number | null;

  @ApiProperty({ example: 0, description: 'Attempts before the last one' })
  retry_count: number;

  @ApiProperty({
    type: Object,
    example: {
      rows_generated: 1204,
      filters_applied: { date_range: { from: '2026-11-23', to: '2026-11-29' } },
      data_as_of: '2026-11-30T14:00:01.120Z',
    },
  })
  metadata: Record<string, unknown>;
}
