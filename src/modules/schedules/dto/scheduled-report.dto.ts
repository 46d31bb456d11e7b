import { ApiProperty } from '@nestjs/swagger';
import {
  OUTPUT_FORMATS,
  OutputFormat,
  PAUSERS,
  Pauser,
  SCHEDULE_STATUSES,
  ScheduleStatus,
} from 'src/domain/vocabulary';
import { DeliveryOptionsDto } from './delivery-options.dto';
import { LastExecutionDto } from './last-execution.dto';
import { RecipientDto } from './recipient.dto';
import { ScheduleConfigDto } from './schedule-config.dto';

/** A schedule as the API returns it. */
export class ScheduledReportDto {
  @ApiProperty({ example: '3fa85f64-5717-4562-b3fc-2c963f66afa6' })
  id: string;

  @ApiProperty({ example: '9b2f4c1a-6d7e-4f80-a1b2-c3d4e5f60718' })
  organization_id: string;

  @ApiProperty({ example: 'auth0|u-123' })
  created_by: string;

  @ApiProperty({ example: 'Weekly invoice summary' })
  name: string;

  @ApiProperty({ example: 'Invoices of the previous week', nullable: true, type: String })
  description: string | null;

  @ApiProperty({ example: 'invoice_summary' })
  report_type: string;

  @ApiProperty({ type: ScheduleConfigDto })
  schedule_config: ScheduleConfigDto;

  @ApiProperty({
    type: [RecipientDto],
    description:
      "Webhook URLs are shown whole to admins and to the schedule's creator; anyone else sees " +
      'the scheme and host only (`https://hooks.example.com/…`), since a path or query often ' +
      "carries the receiver's secret.",
  })
  recipients: RecipientDto[];

  @ApiProperty({ type: Object, example: { date_range: { preset: 'previous_week' } } })
  report_parameters: Record<string, unknown>;

  @ApiProperty({ enum: OUTPUT_FORMATS, example: 'csv' })
  output_format: OutputFormat;

  @ApiProperty({ type: DeliveryOptionsDto })
  delivery_options: DeliveryOptionsDto;

  @ApiProperty({ example: true })
  is_active: boolean;

  @ApiProperty({ enum: SCHEDULE_STATUSES, example: 'active' })
  status: ScheduleStatus;

  @ApiProperty({
    enum: PAUSERS,
    nullable: true,
    example: 'system',
    description:
      'Who paused it: `user` (a member, through the API or the console) or `system` (the ' +
      'service: its last runs all failed, its creator or a recipient no longer qualifies, or ' +
      'its creator was deactivated). Null while active; resuming clears it.',
  })
  paused_by: Pauser | null;

  @ApiProperty({
    type: String,
    nullable: true,
    example: 'its last 3 runs all failed',
    description:
      "Why the service paused it (paused_by `system`); null for a member's pause and while " +
      'active. Also null for schedules the service paused before reasons were recorded.',
  })
  paused_reason: string | null;

  @ApiProperty({ example: null, nullable: true, type: String })
  last_run_at: string | null;

  @ApiProperty({ example: '2026-12-07T14:00:00.000Z', nullable: true, type: String })
  next_run_at: string | null;

  @ApiProperty({
    type: LastExecutionDto,
    nullable: true,
    description:
      'Its latest run (the first of its execution history), with how many of its deliveries ' +
      'failed or bounced; null when it never ran. Lists read it for the whole page at once.',
  })
  last_execution: LastExecutionDto | null;

  @ApiProperty({ example: '2026-11-28T12:00:00.000Z' })
  created_at: string;

  @ApiProperty({ example: '2026-11-28T12:00:00.000Z' })
  updated_at: string;
}
