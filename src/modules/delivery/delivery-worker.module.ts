import { Module } from '@nestjs/common';
import { Clock } from 'src/common/clock';
import { ExecutionsModule } from 'src/modules/executions/executions.module';
import { OrganizationsModule } from 'src/modules/organizations/organizations.module';
import { RateLimitsModule } from 'src/modules/rate-limits/rate-limits.module';
import { SchedulesModule } from 'src/modules/schedules/schedules.module';
import { StorageModule } from 'src/modules/storage/storage.module';
import { CHANNEL_CLASSES, channelsByType } from './channels/delivery-channels';
import { SlackApiClient } from './channels/slack-api.client';
import { DELIVERY_CHANNELS, DeliveryChannel } from './delivery-channel';
import { DeliveryContextFactory } from './delivery-context.factory';
import { DeliveryModule } from './delivery.module';
import { DeliveryProcessor } from './delivery.processor';
import { MailModule } from './mail/mail.module';
import { ReportDeliveryService } from './report-delivery.service';

/** The delivery worker (APP_ROLE worker or all): consumes the delivery queue. */
@Module({
  imports: [
    DeliveryModule,
    MailModule,
    ExecutionsModule,
    SchedulesModule,
    OrganizationsModule,
    RateLimitsModule,
    StorageModule,
  ],
  providers: [
    DeliveryProcessor,
    ReportDeliveryService,
    DeliveryContextFactory,
    SlackApiClient,
    Clock,
    ...CHANNEL_CLASSES,
    {
      provide: DELIVERY_CHANNELS,
      inject: CHANNEL_CLASSES,
      useFactory: (...channels: DeliveryChannel[]) => channelsByType(channels),
    },
  ],
})
export class DeliveryWorkerModule {}
