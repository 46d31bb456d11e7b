import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** Whether the org's Slack integration is set up; the token only as a hint. */
export class SlackIntegrationDto {
  @ApiProperty({ example: true })
  configured: boolean;

  @ApiPropertyOptional({
    example: 'xoxb-…UvWx',
    description: 'The token kind and its last four characters, to tell tokens apart',
  })
  token_hint?: string;

  @ApiPropertyOptional({ example: '2026-11-28T09:00:00.000Z', description: 'When it was set' })
  updated_at?: string;
}
