import { ApiProperty } from '@nestjs/swagger';

export class LinksRevokedDto {
  @ApiProperty({ example: '8d7c6b5a-4f3e-4d2c-9b1a-0f9e8d7c6b5a' })
  execution_id: string;

  @ApiProperty({
    example: '2026-12-01T09:30:00.000Z',
    description:
      'Signed links of this execution issued at or before this instant answer 410; links made later work',
  })
  links_revoked_at: string;
}
