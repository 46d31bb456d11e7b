import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { PaginationQueryDto } from 'src/common/http/pagination-query.dto';

export class MemberListQueryDto extends PaginationQueryDto {
  @ApiPropertyOptional({ description: 'Case-insensitive match on name or email', example: 'ana' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  q?: string;
}
