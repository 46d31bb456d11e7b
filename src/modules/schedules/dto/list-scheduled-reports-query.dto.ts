import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { PaginationQueryDto } from 'src/common/http/pagination-query.dto';
import type { ScheduleStatus } from 'src/modules/schedules/entities/scheduled-report.entity';

export class ListScheduledReportsQueryDto extends PaginationQueryDto {
  @ApiPropertyOptional({ enum: ['active', 'paused'], example: 'active' })
  @IsOptional()
  @IsIn(['active', 'paused'])
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
