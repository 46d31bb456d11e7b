import { ApiProperty } from '@nestjs/swagger';

const ROWS = { type: 'array', items: { type: 'object' } } as const;
const row = (example: Record<string, unknown>) => ({ ...ROWS, example: [example] });

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

  @ApiProperty({
    ...row({
      id: '3fa85f64-5717-4562-b3fc-2c963f66afa6',
      name: 'Weekly invoices',
      status: 'active',
    }),
    description: 'Schedules they created (deleted ones included)',
  })
  schedules_created: Record<string, unknown>[];

  @ApiProperty({
    ...row({
      schedule_id: '3fa85f64-5717-4562-b3fc-2c963f66afa6',
      name: 'Weekly invoices',
      recipient_type: 'email',
      recipient_value: 'ana@acme.example',
    }),
    description: 'Schedules that name them as a recipient',
  })
  recipient_of: Record<string, unknown>[];

  @ApiProperty({
    ...row({ id: '8d7c6b5a-4f3e-4d2c-9b1a-0f9e8d7c6b5a', trigger: 'manual', status: 'completed' }),
    description: 'Runs they asked for (run now)',
  })
  runs_requested: Record<string, unknown>[];

  @ApiProperty({
    ...row({ id: '1c6f0e2a-3b4d-4e5f-8a9b-0c1d2e3f4a5b', recipient_type: 'email', status: 'sent' }),
    description: 'Reports delivered (or not) to them',
  })
  deliveries: Record<string, unknown>[];

  @ApiProperty({
    ...row({
      scheduled_report_id: '3fa85f64-5717-4562-b3fc-2c963f66afa6',
      recipient_type: 'email',
    }),
    description: 'Schedules they unsubscribed from',
  })
  unsubscribes: Record<string, unknown>[];

  @ApiProperty({
    ...row({ kind: 'execution_failed', status: 'sent' }),
    description: 'Failure notices about schedules they created',
  })
  notices: Record<string, unknown>[];

  @ApiProperty({
    ...row({ action: 'schedule.created', resource_type: 'scheduled_report' }),
    description: 'Audit entries of what they did',
  })
  audit_entries: Record<string, unknown>[];
}
