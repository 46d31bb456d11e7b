import { ApiProperty } from '@nestjs/swagger';

/** The error body of every non-2xx response. */
export class ErrorResponseDto {
  @ApiProperty({ example: 400 })
  statusCode: number;

  @ApiProperty({ example: 'Bad Request' })
  error: string;

  @ApiProperty({
    oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }],
    example: ['schedule_config.timezone must be an IANA time zone'],
  })
  message: string | string[];

  @ApiProperty({ example: 'VALIDATION_FAILED', description: 'Stable machine-readable code' })
  code: string;

  @ApiProperty({ example: '5d0f3c1e-8a9b-4a53-9f55-1d2c3b4a5e6f' })
  request_id: string;
}
