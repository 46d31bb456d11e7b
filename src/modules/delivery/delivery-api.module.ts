import { Module } from '@nestjs/common';
import { AuditModule } from 'src/modules/audit/audit.module';
import { ExecutionsModule } from 'src/modules/executions/executions.module';
import { RateLimitsModule } from 'src/modules/rate-limits/rate-limits.module';
import { SchedulesModule } from 'src/modules/schedules/schedules.module';
import { DeliveryModule } from './delivery.module';
import { ExecutionDeliveriesController } from './execution-deliveries.controller';
import { ExecutionDeliveriesService } from './execution-deliveries.service';
import { UnsubscribeController } from './unsubscribe/unsubscribe.controller';

/** The delivery routes of the HTTP API: an execution's deliveries, resends, unsubscribe links. */
@Module({
  imports: [DeliveryModule, ExecutionsModule, SchedulesModule, AuditModule, RateLimitsModule],
  controllers: [ExecutionDeliveriesController, UnsubscribeController],
  providers: [ExecutionDeliveriesService],
})
export class DeliveryApiModule {}
