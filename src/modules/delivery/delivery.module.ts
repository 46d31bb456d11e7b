import { Module } from '@nestjs/common';
import { Clock } from 'src/common/clock';
import { AuditModule } from 'src/modules/audit/audit.module';
import { ExecutionsModule } from 'src/modules/executions/executions.module';
import { OrganizationsModule } from 'src/modules/organizations/organizations.module';
import { OutboxModule } from 'src/modules/outbox/outbox.module';
import { SchedulesModule } from 'src/modules/schedules/schedules.module';
import { DeliveriesRepository } from './deliveries.repository';
import { DeliveryFanOutService } from './delivery-fan-out.service';
import { MailModule } from './mail/mail.module';
import { FailureNoticesService } from './notices/failure-notices.service';
import { NoticesRepository } from './notices/notices.repository';
import { UnsubscribeService } from './unsubscribe/unsubscribe.service';
import { UnsubscribesRepository } from './unsubscribe/unsubscribes.repository';

/**
 * Delivery bookkeeping shared by every role: the subscribers to executions' events (fan-out on
 * completion, failure notices), unsubscribes, and the rows the API, workers and reconciler read.
 */
@Module({
  imports: [
    ExecutionsModule,
    SchedulesModule,
    OrganizationsModule,
    AuditModule,
    MailModule,
    OutboxModule,
  ],
  providers: [
    DeliveriesRepository,
    NoticesRepository,
    UnsubscribesRepository,
    UnsubscribeService,
    FailureNoticesService,
    DeliveryFanOutService,
    Clock,
  ],
  exports: [
    DeliveriesRepository,
    NoticesRepository,
    UnsubscribeService,
    FailureNoticesService,
    DeliveryFanOutService,
  ],
})
export class DeliveryModule {}
