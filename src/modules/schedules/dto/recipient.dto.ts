import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsString, MaxLength, MinLength } from 'class-validator';
import { RECIPIENT_TYPES, RecipientType } from 'src/domain/vocabulary';

/** Who receives each run (CONTRACT §5). */
export class RecipientDto {
  @ApiProperty({ enum: RECIPIENT_TYPES, example: 'email' })
  @IsIn(RECIPIENT_TYPES)
  type: RecipientType;

  @ApiProperty({
    example: 'finance@acme.example',
    description:
      'email: an address of a member or in an allowed domain; user_id: a member user id; ' +
      'slack_channel: a channel id (C0123ABCD) or #name; webhook: an https URL',
  })
  @IsString()
  @MinLength(1)
  @MaxLength(2048)
  value: string;
}
