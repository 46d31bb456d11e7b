import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsString, MaxLength, MinLength } from 'class-validator';
import type { RecipientType } from 'src/modules/schedules/entities/scheduled-report.entity';

export const RECIPIENT_TYPES: RecipientType[] = ['email', 'user_id', 'slack_channel', 'webhook'];

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
