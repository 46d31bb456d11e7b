import { Controller, Get, Param, ParseUUIDPipe } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor } from 'src/common/auth/actor';
import { CurrentActor, RequireRole } from 'src/common/auth/auth.decorators';
import { ApiErrors } from 'src/common/http/api-errors.decorator';
import { MemberDataDto } from './dto/member-data.dto';
import { MemberDataService } from './member-data.service';

@ApiTags('admin')
@Controller('admin/members')
export class MemberDataController {
  constructor(private readonly memberData: MemberDataService) {}

  @Get(':id/data')
  @RequireRole('admin')
  @ApiOperation({
    summary: 'Everything held about a member (data-subject access), as JSON',
    description:
      'The member row, schedules they created or receive, runs they asked for, deliveries and ' +
      'unsubscribes naming them, notices about their schedules, and their audit entries. ' +
      '`id` is the member id of GET /api/members. The export itself is audited.',
  })
  @ApiOkResponse({ type: MemberDataDto })
  @ApiErrors(400, 404)
  export(
    @CurrentActor() actor: Actor,
    @Param('id', ParseUUIDPipe) id: string,
  ): Promise<MemberDataDto> {
    return this.memberData.export(actor, id);
  }
}
