import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  MaxLength,
  ValidateIf,
} from 'class-validator';
import { CADENCES, Cadence } from 'src/domain/vocabulary';

/**
 * When a report runs. Shapes are checked here; the calendar rules (time format, zone,
 * cron dialect, 5-minute minimum, fields that belong to the cadence) by the calculator.
 */
export class ScheduleConfigDto {
  @ApiProperty({ enum: CADENCES, example: 'weekly' })
  @IsIn(CADENCES)
  cadence: Cadence;

  @ApiPropertyOptional({
    example: '09:00',
    nullable: true,
    type: String,
    description: 'Local wall time HH:MM; required unless cadence is cron',
  })
  @IsOptional()
  @ValidateIf((_o, value) => value !== null)
  @IsString()
  time?: string | null;

  @ApiProperty({ example: 'America/New_York', description: 'IANA time zone name' })
  @IsString()
  @MaxLength(64)
  timezone: string;

  @ApiPropertyOptional({
    example: 1,
    minimum: 1,
    maximum: 7,
    description: 'Weekly: 1 = Monday … 7 = Sunday',
  })
  @IsOptional()
  @IsInt()
  day_of_week?: number;

  @ApiPropertyOptional({
    example: 31,
    minimum: 1,
    maximum: 31,
    description: 'Monthly: day of month; 29–31 run on the last day of shorter months',
  })
  @IsOptional()
  @IsInt()
  day_of_month?: number;

  @ApiPropertyOptional({
    example: '0 9 * * 1-5',
    description:
      'Cron: five fields (minute hour day-of-month month day-of-week); at most every 5 minutes',
  })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  cron_expression?: string;

  @ApiPropertyOptional({
    example: false,
    description:
      'Daily/cron drop weekend and holiday runs; weekly/monthly roll to the next business day',
  })
  @IsOptional()
  @IsBoolean()
  business_days_only?: boolean;

  @ApiPropertyOptional({
    example: 'US',
    description: 'Public holidays that count as non-business days (country code, e.g. US, GB, DE)',
  })
  @IsOptional()
  @IsString()
  @MaxLength(16)
  holiday_calendar?: string;
}
