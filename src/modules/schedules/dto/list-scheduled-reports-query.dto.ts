import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { SCHEDULE_STATUSES, ScheduleStatus } from 'src/domain/vocabulary';
import { PaginationQueryDto } from 'src/common/http/pagination-query.dto';

export class ListScheduledReportsQueryDto extends PaginationQueryDto {
  @ApiPropertyOptional({ enum: SCHEDULE_STATUSES, example: 'active' })
  @IsOptional()
  @IsIn(SCHEDULE_STATUSES)
  status?: ScheduleStatus;

  @ApiPropertyOptional({ example: 'invoice_summary' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  report_type?: string;

  @ApiPropertyOptional({ example: 'weekly', description: 'Case-insensitive match on the name' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  q?: string;
}
