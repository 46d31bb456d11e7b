import { ApiProperty } from '@nestjs/swagger';
import { OUTPUT_FORMATS, OutputFormat } from 'src/domain/vocabulary';

/** One entry of the report catalogue. */
export class ReportTypeDto {
  @ApiProperty({ example: 'invoice_summary' })
  report_type: string;

  @ApiProperty({ example: 'Invoice summary' })
  name: string;

  @ApiProperty({ example: 'Invoices issued in a period with status, customer, amounts and tax.' })
  description: string;

  @ApiProperty({ example: 'billing:read', description: 'Needed to create, run or download it' })
  required_permission: string;

  @ApiProperty({ enum: OUTPUT_FORMATS, isArray: true, example: OUTPUT_FORMATS })
  output_formats: OutputFormat[];

  @ApiProperty({
    type: Object,
    description: 'JSON Schema (draft-07) of report_parameters',
    example: {
      type: 'object',
      additionalProperties: false,
      required: ['date_range'],
      properties: { date_range: { type: 'object' } },
    },
  })
  parameters_schema: Record<string, unknown>;

  @ApiProperty({ type: Object, example: { date_range: { preset: 'previous_month' } } })
  parameters_example: Record<string, unknown>;
}
