import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsString, MaxLength, MinLength } from 'class-validator';
import { RECIPIENT_TYPES, RecipientType } from 'src/domain/vocabulary';
import { RECIPIENT_RULES } from 'src/modules/schedules/recipients/recipient-rules';

/** Who receives each run. */
export class RecipientDto {
  @ApiProperty({ enum: RECIPIENT_TYPES, example: 'email' })
  @IsIn(RECIPIENT_TYPES)
  type: RecipientType;

  @ApiProperty({
    example: 'finance@acme.example',
    description: RECIPIENT_TYPES.map((type) => `${type}: ${RECIPIENT_RULES[type].describe}`).join(
      '; ',
    ),
  })
  @IsString()
  @MinLength(1)
  @MaxLength(2048)
  value: string;
}
