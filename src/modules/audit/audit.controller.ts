import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor } from 'src/common/auth/actor';
import { CurrentActor, RequireRole } from 'src/common/auth/auth.decorators';
import { ApiErrors } from 'src/common/http/api-errors.decorator';
import { AuditService } from './audit.service';
import { AuditLogPageDto } from './dto/audit-log.dto';
import { AuditLogQueryDto } from './dto/audit-log-query.dto';

@ApiTags('admin')
@Controller('admin/audit-logs')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @RequireRole('admin')
  @ApiOperation({
    summary: "The organization's audit trail, newest first",
    description:
      'Follow `next_cursor` (as `?cursor=`, with the same filters) until it is null. Without a ' +
      'cursor the answer also has `page` and `total`, for clients of the older offset paging.',
  })
  @ApiOkResponse({ type: AuditLogPageDto })
  @ApiErrors(400)
  list(@CurrentActor() actor: Actor, @Query() query: AuditLogQueryDto) {
    return this.audit.list(
      actor,
      {
        actor: query.actor,
        action: query.action,
        resourceId: query.resource_id,
        from: query.from ? new Date(query.from) : undefined,
        to: query.to ? new Date(query.to) : undefined,
      },
      { cursor: query.cursor, page: query.page, limit: query.limit },
    );
  }
}
