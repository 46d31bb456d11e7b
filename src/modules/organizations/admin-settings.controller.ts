import { Body, Controller, Get, Put } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor } from 'src/common/auth/actor';
import { CurrentActor, RequireRole } from 'src/common/auth/auth.decorators';
import { ApiErrors } from 'src/common/http/api-errors.decorator';
import { OrganizationSettingsDto } from './dto/organization-settings.dto';
import { UpdateOrganizationSettingsDto } from './dto/update-organization-settings.dto';
import { OrganizationsService } from './organizations.service';

@ApiTags('admin')
@Controller('admin/settings')
export class AdminSettingsController {
  constructor(private readonly organizations: OrganizationsService) {}

  @Get()
  @RequireRole('admin')
  @ApiOperation({ summary: "The organization's settings" })
  @ApiOkResponse({ type: OrganizationSettingsDto })
  get(@CurrentActor() actor: Actor) {
    return this.organizations.getSettings(actor);
  }

  @Put()
  @RequireRole('admin')
  @ApiOperation({ summary: 'Change settings; fields left out keep their value' })
  @ApiOkResponse({ type: OrganizationSettingsDto })
  @ApiErrors(400)
  update(@CurrentActor() actor: Actor, @Body() body: UpdateOrganizationSettingsDto) {
    return this.organizations.updateSettings(actor, body);
  }
}
