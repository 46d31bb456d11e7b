import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Post, Put } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { Actor } from 'src/common/auth/actor';
import { CurrentActor, RequireRole } from 'src/common/auth/auth.decorators';
import { ApiErrors } from 'src/common/http/api-errors.decorator';
import { SlackIntegrationDto } from './dto/slack-integration.dto';
import { UpdateSlackIntegrationDto } from './dto/update-slack-integration.dto';
import { WebhookSecretDto } from './dto/webhook-secret.dto';
import { IntegrationsService } from './integrations.service';

@ApiTags('admin')
@Controller('admin')
export class AdminIntegrationsController {
  constructor(private readonly integrations: IntegrationsService) {}

  @Get('integrations/slack')
  @RequireRole('admin')
  @ApiOperation({ summary: 'Whether Slack is connected; the token only as a hint' })
  @ApiOkResponse({ type: SlackIntegrationDto })
  getSlack(@CurrentActor() actor: Actor) {
    return this.integrations.getSlack(actor);
  }

  @Put('integrations/slack')
  @RequireRole('admin')
  @ApiOperation({
    summary: "Connect the organization's Slack workspace",
    description:
      'Stores the token encrypted and replaces any earlier one. The token is never returned; ' +
      'the answer shows a hint (kind and last four characters).',
  })
  @ApiOkResponse({ type: SlackIntegrationDto })
  @ApiErrors(400)
  setSlack(@CurrentActor() actor: Actor, @Body() body: UpdateSlackIntegrationDto) {
    return this.integrations.setSlack(actor, body.bot_token);
  }

  @Delete('integrations/slack')
  @RequireRole('admin')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({
    summary: 'Disconnect Slack',
    description: 'Forgets the token; later Slack deliveries fail until one is set again.',
  })
  @ApiNoContentResponse({ description: 'Disconnected (or was not connected)' })
  async removeSlack(@CurrentActor() actor: Actor): Promise<void> {
    await this.integrations.removeSlack(actor);
  }

  @Post('webhook-secret')
  @RequireRole('admin')
  @ApiOperation({
    summary: 'Create or rotate the webhook signing secret',
    description:
      'Returns the new secret once. The secret it replaces keeps signing webhooks as a second ' +
      '`v1=` entry of `X-Signature` for 24 h, so receivers can switch without dropping any.',
  })
  @ApiCreatedResponse({ type: WebhookSecretDto, description: 'A new secret was created' })
  rotateWebhookSecret(@CurrentActor() actor: Actor) {
    return this.integrations.rotateWebhookSecret(actor);
  }
}
