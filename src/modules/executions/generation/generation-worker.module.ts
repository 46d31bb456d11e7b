import { Module } from '@nestjs/common';
import { DeliveryModule } from 'src/modules/delivery/delivery.module';
import { ExecutionsModule } from 'src/modules/executions/executions.module';
import { SchedulesModule } from 'src/modules/schedules/schedules.module';
import { StorageModule } from 'src/modules/storage/storage.module';
import { GenerationProcessor } from './generation.processor';
import { BrowserPool } from './pdf/browser-pool';
import { ReportDataReader } from './report-data/report-data.reader';
import { ReportGenerationService } from './report-generation.service';
import { ReportTypesModule } from './report-types/report-types.module';

/** The generation worker (APP_ROLE worker or all): consumes the generation queue. */
@Module({
  imports: [ExecutionsModule, SchedulesModule, ReportTypesModule, StorageModule, DeliveryModule],
  providers: [GenerationProcessor, ReportGenerationService, ReportDataReader, BrowserPool],
  exports: [ReportGenerationService],
})
export class GenerationWorkerModule {}
