import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor } from 'src/common/auth/actor';
import { CurrentActor, RequireRole } from 'src/common/auth/auth.decorators';
import { ApiErrors } from 'src/common/http/api-errors.decorator';
import { PaginatedResponseDto } from 'src/common/http/paginated-response.dto';
import { AuditService } from './audit.service';
import { AuditLogDto } from './dto/audit-log.dto';
import { AuditLogQueryDto } from './dto/audit-log-query.dto';

@ApiTags('admin')
@Controller('admin/audit-logs')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @RequireRole('admin')
  @ApiOperation({ summary: "The organization's audit trail, newest first" })
  @ApiOkResponse({ type: PaginatedResponseDto(AuditLogDto) })
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
      query.page,
      query.limit,
    );
  }
}
