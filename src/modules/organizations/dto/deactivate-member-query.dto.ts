import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional } from 'class-validator';

export class DeactivateMemberQueryDto {
  @ApiPropertyOptional({
    example: false,
    description:
      "Also erase their personal data: name and address dropped, their audit entries' actor " +
      'anonymised (the events stay)',
  })
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean({ message: 'erase must be true or false' })
  erase?: boolean;
}
