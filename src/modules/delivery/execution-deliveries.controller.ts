import { Controller, Get, HttpCode, HttpStatus, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor } from 'src/common/auth/actor';
import { CurrentActor, RequireRole } from 'src/common/auth/auth.decorators';
import { ApiErrors } from 'src/common/http/api-errors.decorator';
import { ExecutionWithDeliveriesDto } from './dto/execution-with-deliveries.dto';
import { ExecutionDeliveriesService } from './execution-deliveries.service';

/** An execution with its deliveries, and resends (served here: executions knows no deliveries). */
@ApiTags('report-executions')
@Controller('report-executions/:id')
export class ExecutionDeliveriesController {
  constructor(private readonly deliveries: ExecutionDeliveriesService) {}

  @Get()
  @RequireRole('viewer')
  @ApiOperation({ summary: 'One execution with its deliveries' })
  @ApiOkResponse({ type: ExecutionWithDeliveriesDto })
  @ApiErrors(400, 404)
  get(
    @CurrentActor() actor: Actor,
    @Param('id', ParseUUIDPipe) id: string,
  ): Promise<ExecutionWithDeliveriesDto> {
    return this.deliveries.detail(actor, id);
  }

  @Post('deliveries/:delivery_id/retry')
  @HttpCode(HttpStatus.ACCEPTED)
  @RequireRole('editor')
  @ApiOperation({
    summary: 'Resend one failed or bounced delivery',
    description:
      'The stored file is sent again (the report is not regenerated). A delivery that was sent or ' +
      'skipped answers 409. A recipient who unsubscribed stays skipped.',
  })
  @ApiAcceptedResponse({
    type: ExecutionWithDeliveriesDto,
    description: 'The execution with its deliveries',
  })
  @ApiErrors(400, 404, 409, 429)
  retry(
    @CurrentActor() actor: Actor,
    @Param('id', ParseUUIDPipe) id: string,
    @Param('delivery_id', ParseUUIDPipe) deliveryId: string,
  ): Promise<ExecutionWithDeliveriesDto> {
    return this.deliveries.retryOne(actor, id, deliveryId);
  }

  @Post('resend-failed')
  @HttpCode(HttpStatus.ACCEPTED)
  @RequireRole('editor')
  @ApiOperation({
    summary: 'Resend to every recipient whose delivery failed or bounced',
    description: 'Recipients already served (sent) or skipped are left alone.',
  })
  @ApiAcceptedResponse({
    type: ExecutionWithDeliveriesDto,
    description: 'The execution with its deliveries',
  })
  @ApiErrors(400, 404, 409, 429)
  resendFailed(
    @CurrentActor() actor: Actor,
    @Param('id', ParseUUIDPipe) id: string,
  ): Promise<ExecutionWithDeliveriesDto> {
    return this.deliveries.resendFailed(actor, id);
  }
}
