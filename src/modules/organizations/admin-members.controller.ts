import {
  Controller,
  Delete,
  HttpCode,
  HttpStatus,
  Param,
  ParseUUIDPipe,
  Query,
} from '@nestjs/common';
import { ApiNoContentResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor } from 'src/common/auth/actor';
import { CurrentActor, RequireRole } from 'src/common/auth/auth.decorators';
import { ApiErrors } from 'src/common/http/api-errors.decorator';
import { DeactivateMemberQueryDto } from './dto/deactivate-member-query.dto';
import { MemberLifecycleService } from './member-lifecycle.service';

@ApiTags('admin')
@Controller('admin/members')
export class AdminMembersController {
  constructor(private readonly lifecycle: MemberLifecycleService) {}

  @Delete(':id')
  @HttpCode(HttpStatus.NO_CONTENT)
  @RequireRole('admin')
  @ApiOperation({
    summary: 'Deactivate a member',
    description:
      'Their tokens issued before now answer 401 (a token issued later by the identity ' +
      "provider reactivates them). They are taken off every schedule's recipients, and the " +
      'schedules they created are paused (an admin may resume one; its runs then need an ' +
      'active creator, so reassign by re-creating it). Idempotent. `id` is the member id of ' +
      'GET /api/members. An admin cannot deactivate themselves (409).',
  })
  @ApiNoContentResponse({ description: 'Deactivated' })
  @ApiErrors(400, 404, 409)
  async deactivate(
    @CurrentActor() actor: Actor,
    @Param('id', ParseUUIDPipe) id: string,
    @Query() query: DeactivateMemberQueryDto,
  ): Promise<void> {
    await this.lifecycle.deactivate(actor, id, query.erase ?? false);
  }
}
