import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class AuditLogDto {
  @ApiProperty({ example: '7c9e6679-7425-40de-944b-e07fc1f90ae7' })
  id: string;

  @ApiProperty({ example: 'auth0|u-123', description: 'User id, or `system`' })
  actor: string;

  @ApiProperty({ example: 'schedule.created' })
  action: string;

  @ApiProperty({ example: 'scheduled_report' })
  resource_type: string;

  @ApiProperty({ example: '3fa85f64-5717-4562-b3fc-2c963f66afa6', nullable: true, type: String })
  resource_id: string | null;

  @ApiProperty({ example: { name: 'Weekly invoices' }, type: Object })
  details: Record<string, unknown>;

  @ApiProperty({ example: 'b7c1c7a4-9b0e-4a5e-8a51-1f7d0c2e6a11', nullable: true, type: String })
  request_id: string | null;

  @ApiProperty({ example: '2026-11-28T09:00:00.000Z' })
  created_at: string;
}

/** A page of the trail, newest first. */
export class AuditLogPageDto {
  @ApiProperty({ type: AuditLogDto, isArray: true })
  data: AuditLogDto[];

  @ApiProperty({ example: 20 })
  limit: number;

  @ApiProperty({
    example: 'WyJ2MSIsIjIwMjYtMTEtMjhUMDk6MDA6MDAuMTIzNDU2WiIsIjdjOWUuLi4iXQ',
    nullable: true,
    type: String,
    description: 'Pass as `?cursor=` for the next (older) page; null on the last page',
  })
  next_cursor: string | null;

  @ApiPropertyOptional({
    example: 1,
    description: 'Only without `cursor`: the page number asked for (deprecated)',
  })
  page?: number;

  @ApiPropertyOptional({
    example: 42,
    description: 'Only without `cursor`: entries matching the filters (deprecated; costs a count)',
  })
  total?: number;
}
