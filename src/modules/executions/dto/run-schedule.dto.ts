import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import { IsInstant } from 'src/common/http/is-instant.decorator';

export class RunScheduleDto {
  @ApiPropertyOptional({
    example: '2026-11-23T14:00:00Z',
    description:
      'Re-run the period of the latest slot at or before this instant, with the parameters resolved as that slot would have',
  })
  @IsOptional()
  @IsInstant()
  as_of?: string;
}
