import { ApiProperty } from '@nestjs/swagger';

export class DownloadLinkDto {
  @ApiProperty({
    example: 'http://localhost:3000/api/files/eyJlIjoi…',
    description: 'Works without a token until expires_at',
  })
  url: string;

  @ApiProperty({ example: '2026-12-03T14:00:00.000Z' })
  expires_at: string;
}
