import { ApiProperty } from '@nestjs/swagger';

const ROWS = { type: 'array', items: { type: 'object' } } as const;

/** Everything held about one member (data-subject access), as stored. */
export class MemberDataDto {
  @ApiProperty({
    type: Object,
    example: {
      id: '0b8f6a3e-5c1d-4a8e-9f2b-7d6c5e4f3a21',
      user_id: 'auth0|u-123',
      email: 'ana@acme.example',
      name: 'Ana Lima',
      roles: ['editor'],
      permissions: ['billing:read'],
      is_active: true,
      deactivated_at: null,
    },
  })
  member: Record<string, unknown>;

  @ApiProperty({ ...ROWS, description: 'Schedules they created (deleted ones included)' })
  schedules_created: Record<string, unknown>[];

  @ApiProperty({ ...ROWS, description: 'Schedules that name them as a recipient' })
  recipient_of: Record<string, unknown>[];

  @ApiProperty({ ...ROWS, description: 'Runs they asked for (run now)' })
  runs_requested: Record<string, unknown>[];

  @ApiProperty({ ...ROWS, description: 'Reports delivered (or not) to them' })
  deliveries: Record<string, unknown>[];

  @ApiProperty({ ...ROWS, description: 'Schedules they unsubscribed from' })
  unsubscribes: Record<string, unknown>[];

  @ApiProperty({ ...ROWS, description: 'Failure notices about schedules they created' })
  notices: Record<string, unknown>[];

  @ApiProperty({ ...ROWS, description: 'Audit entries of what they did' })
  audit_entries: Record<string, unknown>[];
}
