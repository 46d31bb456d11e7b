import { ApiProperty } from '@nestjs/swagger';
import { OVERLAP_POLICIES, OverlapPolicy } from 'src/domain/vocabulary';

/** An organization's settings. Secrets are never part of it. */
export class OrganizationSettingsDto {
  @ApiProperty({
    example: ['acme.example'],
    type: [String],
    description: 'Email recipients must be members or in these domains',
  })
  allowed_email_domains: string[];

  @ApiProperty({ example: 100 })
  max_active_schedules: number;

  @ApiProperty({ example: 50 })
  max_recipients: number;

  @ApiProperty({
    example: 20,
    description: 'Manual runs each member may start per hour (and, separately, resends)',
  })
  run_now_per_hour: number;

  @ApiProperty({ example: 90, description: 'Days a generated file is kept' })
  retention_days: number;

  @ApiProperty({
    example: 400,
    description:
      'Days a finished run, its deliveries and notices stay in the history (at least retention_days)',
  })
  history_days: number;

  @ApiProperty({ example: 2555, description: 'Days an audit entry is kept' })
  audit_retention_days: number;

  @ApiProperty({
    example: 2,
    minimum: 1,
    maximum: 100,
    description:
      'Scheduled generations of this organization queued or running at once; the rest wait their turn',
  })
  max_concurrent_generations: number;

  @ApiProperty({
    enum: OVERLAP_POLICIES,
    example: 'queue',
    description:
      "A slot whose schedule's previous run is still pending or running: queue runs it after, coalesce skips it",
  })
  overlap_policy: OverlapPolicy;

  @ApiProperty({ example: 10485760, description: 'Files up to this size are attached to emails' })
  attachment_limit_bytes: number;

  @ApiProperty({ example: 72, description: 'Lifetime of signed download links' })
  link_ttl_hours: number;

  @ApiProperty({
    example: 10000,
    description:
      'Report emails per UTC day; past it, further email deliveries fail until the next day',
  })
  email_budget_per_day: number;

  @ApiProperty({ example: 'Acme Billing', nullable: true, type: String })
  brand_name: string | null;

  @ApiProperty({ example: true, description: 'Whether a Slack bot token is configured' })
  slack_configured: boolean;

  @ApiProperty({ example: false, description: 'Whether a webhook signing secret exists' })
  webhook_secret_configured: boolean;
}
