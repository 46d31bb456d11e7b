import { ApiProperty } from '@nestjs/swagger';
import { IsString, Matches, MaxLength, MinLength } from 'class-validator';

/** The org's Slack token. */
export class UpdateSlackIntegrationDto {
  @ApiProperty({
    example: 'xoxb-1234567890-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx',
    description:
      'A bot (`xoxb-`) or user (`xoxp-`) token of the workspace, with the `chat:write` scope ' +
      '(plus `files:write` to upload reports, `channels:read`/`groups:read` to address channels ' +
      'by name). Stored encrypted and never returned.',
    minLength: 20,
    maxLength: 255,
  })
  @IsString()
  @MinLength(20)
  @MaxLength(255)
  // Only the token's alphabet: anything else is a paste error (quotes, spaces, a "Bearer " prefix).
  @Matches(/^xox[bp]-[A-Za-z0-9-]+$/, {
    message: 'bot_token must be a Slack bot (xoxb-) or user (xoxp-) token',
  })
  bot_token: string;
}
