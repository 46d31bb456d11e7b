import { Module } from '@nestjs/common';
import { AuditModule } from 'src/modules/audit/audit.module';
import { ExecutionsModule } from 'src/modules/executions/executions.module';
import { SchedulesModule } from 'src/modules/schedules/schedules.module';
import { DeliveryModule } from './delivery.module';
import { DeliveryResendService } from './delivery-resend.service';
import { ExecutionDeliveriesController } from './execution-deliveries.controller';
import { UnsubscribeController } from './unsubscribe/unsubscribe.controller';

/** The delivery routes of the HTTP API: resends and the public unsubscribe links. */
@Module({
  imports: [DeliveryModule, ExecutionsModule, SchedulesModule, AuditModule],
  controllers: [ExecutionDeliveriesController, UnsubscribeController],
  providers: [DeliveryResendService],
})
export class DeliveryApiModule {}
