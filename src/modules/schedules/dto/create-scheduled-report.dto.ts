import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { OUTPUT_FORMATS, OutputFormat } from 'src/domain/vocabulary';
import { DeliveryOptionsDto } from './delivery-options.dto';
import { RecipientDto } from './recipient.dto';
import { ScheduleConfigDto } from './schedule-config.dto';

/** The editable fields of a schedule; everything else is set by the service. */
export class CreateScheduledReportDto {
  @ApiProperty({ example: 'Weekly invoice summary', maxLength: 200 })
  @IsString()
  @Matches(/\S/, { message: 'name must not be blank' })
  @MaxLength(200)
  name: string;

  @ApiPropertyOptional({
    example: 'Invoices of the previous week, for finance',
    nullable: true,
    type: String,
  })
  @IsOptional()
  @ValidateIf((_o, value) => value !== null)
  @IsString()
  @MaxLength(2000)
  description?: string | null;

  @ApiProperty({ example: 'invoice_summary', description: 'One of GET /api/report-types' })
  @IsString()
  @MaxLength(100)
  report_type: string;

  @ApiProperty({ type: ScheduleConfigDto })
  @IsObject()
  @ValidateNested()
  @Type(() => ScheduleConfigDto)
  schedule_config: ScheduleConfigDto;

  @ApiProperty({
    type: [RecipientDto],
    example: [{ type: 'email', value: 'finance@acme.example' }],
  })
  @IsArray()
  @ArrayMaxSize(500)
  @ValidateNested({ each: true })
  @Type(() => RecipientDto)
  recipients: RecipientDto[];

  @ApiProperty({
    type: Object,
    example: { date_range: { preset: 'previous_week' }, statuses: ['open', 'paid'] },
    description: "Validated against the report type's parameters_schema",
  })
  @IsObject()
  report_parameters: Record<string, unknown>;

  @ApiProperty({ enum: OUTPUT_FORMATS, example: 'csv' })
  @IsIn(OUTPUT_FORMATS)
  output_format: OutputFormat;

  @ApiPropertyOptional({ type: DeliveryOptionsDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => DeliveryOptionsDto)
  delivery_options?: DeliveryOptionsDto;
}
