import { ApiProperty } from '@nestjs/swagger';

/** A freshly rotated webhook signing secret; shown once, never again. */
export class WebhookSecretDto {
  @ApiProperty({
    example: 'whsec_Q2hhbmdlIG1lIHRvIGEgcmVhbCBzZWNyZXQgcGxlYXNlIQ',
    description: 'Signs `X-Signature` from now on. Store it; it is not shown again.',
  })
  secret: string;

  @ApiProperty({ example: '2026-11-28T09:00:00.000Z' })
  rotated_at: string;

  @ApiProperty({
    example: '2026-11-29T09:00:00.000Z',
    nullable: true,
    type: String,
    description:
      'Until then webhooks carry a second `v1=` signature made with the secret this one ' +
      'replaced; null when there was none',
  })
  previous_secret_expires_at: string | null;
}
