import { ApiProperty } from '@nestjs/swagger';

/** A member as the recipient picker shows it. */
export class MemberDto {
  @ApiProperty({ example: '0b8f6a3e-5c1d-4a8e-9f2b-7d6c5e4f3a21' })
  id: string;

  @ApiProperty({
    example: 'auth0|u-123',
    description: 'The user id (`sub`); use it as a `user_id` recipient',
  })
  user_id: string;

  @ApiProperty({ example: 'ana@acme.example', nullable: true, type: String })
  email: string | null;

  @ApiProperty({ example: 'Ana Lima', nullable: true, type: String })
  name: string | null;

  @ApiProperty({ example: ['editor'], type: [String] })
  roles: string[];

  @ApiProperty({ example: '2026-11-28T09:00:00.000Z' })
  last_seen_at: string;
}
