import { ApiProperty } from '@nestjs/swagger';
import {
  EXECUTION_STATUSES,
  EXECUTION_TRIGGERS,
  ExecutionStatus,
  ExecutionTrigger,
} from 'src/domain/vocabulary';

/** A schedule's latest run, as a list of schedules shows it beside each one. */
export class LastExecutionDto {
  @ApiProperty({ example: '8d7c6b5a-4f3e-4d2c-9b1a-0f9e8d7c6b5a' })
  id: string;

  @ApiProperty({ enum: EXECUTION_STATUSES, example: 'completed' })
  status: ExecutionStatus;

  @ApiProperty({ enum: EXECUTION_TRIGGERS, example: 'schedule' })
  trigger: ExecutionTrigger;

  @ApiProperty({ example: '2026-11-30T14:00:00.000Z' })
  scheduled_for: string;

  @ApiProperty({ example: '2026-11-30T14:00:04.000Z', nullable: true, type: String })
  completed_at: string | null;

  @ApiProperty({
    example: 1,
    description: 'How many deliveries of this run are `failed` or `bounced`.',
  })
  failed_deliveries: number;
}
