import { Controller, HttpCode, HttpStatus, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor } from 'src/common/auth/actor';
import { CurrentActor, RequireRole } from 'src/common/auth/auth.decorators';
import { ApiErrors } from 'src/common/http/api-errors.decorator';
import { ReportExecutionDto } from 'src/modules/executions/dto/report-execution.dto';
import { DeliveryResendService } from './delivery-resend.service';

@ApiTags('report-executions')
@Controller('report-executions/:id')
export class ExecutionDeliveriesController {
  constructor(private readonly resend: DeliveryResendService) {}

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
    type: ReportExecutionDto,
    description: 'The execution with its deliveries',
  })
  @ApiErrors(400, 404, 409)
  retry(
    @CurrentActor() actor: Actor,
    @Param('id', ParseUUIDPipe) id: string,
    @Param('delivery_id', ParseUUIDPipe) deliveryId: string,
  ): Promise<ReportExecutionDto> {
    return this.resend.retryOne(actor, id, deliveryId);
  }

  @Post('resend-failed')
  @HttpCode(HttpStatus.ACCEPTED)
  @RequireRole('editor')
  @ApiOperation({
    summary: 'Resend to every recipient whose delivery failed or bounced',
    description: 'Recipients already served (sent) or skipped are left alone.',
  })
  @ApiAcceptedResponse({
    type: ReportExecutionDto,
    description: 'The execution with its deliveries',
  })
  @ApiErrors(400, 404, 409)
  resendFailed(
    @CurrentActor() actor: Actor,
    @Param('id', ParseUUIDPipe) id: string,
  ): Promise<ReportExecutionDto> {
    return this.resend.resendFailed(actor, id);
  }
}
