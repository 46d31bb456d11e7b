import { ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsFQDN,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  ValidateIf,
} from 'class-validator';
import { Transform } from 'class-transformer';
import { OVERLAP_POLICIES, OverlapPolicy } from 'src/domain/vocabulary';

/** Partial update of the settings; absent fields keep their value. */
export class UpdateOrganizationSettingsDto {
  @ApiPropertyOptional({ example: ['acme.example'], type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @ArrayUnique()
  @Transform(({ value }) =>
    Array.isArray(value) ? value.map((d) => (typeof d === 'string' ? d.toLowerCase() : d)) : value,
  )
  @IsFQDN(
    { require_tld: false },
    { each: true, message: 'allowed_email_domains must hold domain names' },
  )
  allowed_email_domains?: string[];

  @ApiPropertyOptional({ example: 100, minimum: 0, maximum: 100000 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(100000)
  max_active_schedules?: number;

  @ApiPropertyOptional({ example: 50, minimum: 1, maximum: 500 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(500)
  max_recipients?: number;

  @ApiPropertyOptional({ example: 20, minimum: 0, maximum: 1000 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(1000)
  run_now_per_hour?: number;

  @ApiPropertyOptional({ example: 90, minimum: 1, maximum: 3650 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(3650)
  retention_days?: number;

  @ApiPropertyOptional({
    example: 400,
    minimum: 7,
    maximum: 3650,
    description: 'At least retention_days: a run never leaves the history before its file',
  })
  @IsOptional()
  @IsInt()
  @Min(7)
  @Max(3650)
  history_days?: number;

  @ApiPropertyOptional({ example: 2555, minimum: 30, maximum: 3650 })
  @IsOptional()
  @IsInt()
  @Min(30)
  @Max(3650)
  audit_retention_days?: number;

  @ApiPropertyOptional({
    example: 2,
    minimum: 1,
    maximum: 100,
    description:
      'Scheduled generations of this organization queued or running at once; the rest wait their turn',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100)
  max_concurrent_generations?: number;

  @ApiPropertyOptional({
    enum: OVERLAP_POLICIES,
    example: 'queue',
    description:
      "A slot whose schedule's previous run is still pending or running: queue runs it after, coalesce skips it",
  })
  @IsOptional()
  @IsIn(OVERLAP_POLICIES)
  overlap_policy?: OverlapPolicy;

  @ApiPropertyOptional({ example: 10485760, minimum: 0, maximum: 26214400 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(25 * 1024 * 1024)
  attachment_limit_bytes?: number;

  @ApiPropertyOptional({ example: 72, minimum: 1, maximum: 720 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(720)
  link_ttl_hours?: number;

  @ApiPropertyOptional({ example: 10000, minimum: 0, maximum: 1000000 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  email_budget_per_day?: number;

  @ApiPropertyOptional({ example: 'Acme Billing', nullable: true, type: String, maxLength: 100 })
  @IsOptional()
  @ValidateIf((_o, value) => value !== null)
  @IsString()
  @MaxLength(100)
  brand_name?: string | null;
}
