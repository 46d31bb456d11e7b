import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor } from 'src/common/auth/actor';
import { CurrentActor, RequireRole } from 'src/common/auth/auth.decorators';
import { ApiErrors } from 'src/common/http/api-errors.decorator';
import { PaginatedResponseDto } from 'src/common/http/paginated-response.dto';
import { MemberDto } from './dto/member.dto';
import { MemberListQueryDto } from './dto/member-list-query.dto';
import { OrganizationsService } from './organizations.service';

@ApiTags('members')
@Controller('members')
export class MembersController {
  constructor(private readonly organizations: OrganizationsService) {}

  @Get()
  @RequireRole('viewer')
  @ApiOperation({
    summary: "The organization's active members (recipient picker)",
    description: 'Members are provisioned from JWT claims the first time they call the API.',
  })
  @ApiOkResponse({ type: PaginatedResponseDto(MemberDto) })
  @ApiErrors(400)
  list(@CurrentActor() actor: Actor, @Query() query: MemberListQueryDto) {
    return this.organizations.listMembers(actor, query.page, query.limit, query.q);
  }
}
