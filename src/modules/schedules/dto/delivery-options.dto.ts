import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional } from 'class-validator';

export class DeliveryOptionsDto {
  @ApiPropertyOptional({ example: false, description: 'Send nothing when the report has no rows' })
  @IsOptional()
  @IsBoolean()
  skip_if_empty?: boolean;

  @ApiPropertyOptional({
    example: false,
    description: 'Send nothing when the data equals the last delivered run',
  })
  @IsOptional()
  @IsBoolean()
  only_if_changed?: boolean;

  @ApiPropertyOptional({ example: false, description: 'Store and send the file gzip-compressed' })
  @IsOptional()
  @IsBoolean()
  compress?: boolean;
}
