import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsObject, IsOptional, Max, Min, ValidateNested } from 'class-validator';
import { IsInstant } from 'src/common/http/is-instant.decorator';
import { ScheduleConfigDto } from './schedule-config.dto';

/** A schedule to try out; nothing is stored. */
export class PreviewScheduleDto {
  @ApiProperty({
    type: ScheduleConfigDto,
    example: { cadence: 'daily', time: '02:30', timezone: 'America/New_York' },
  })
  @IsObject()
  @ValidateNested()
  @Type(() => ScheduleConfigDto)
  schedule_config: ScheduleConfigDto;

  @ApiPropertyOptional({ minimum: 1, maximum: 50, default: 5, example: 5 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(50)
  count: number = 5;

  @ApiPropertyOptional({
    example: '2027-03-12T00:00:00Z',
    description: 'Runs strictly after this instant; default now',
  })
  @IsOptional()
  @IsInstant()
  after?: string;
}
