import { Module } from '@nestjs/common';
import { ReportGeneratorModule } from 'src/modules/generators/report-generator.module';
import { SchedulesModule } from 'src/modules/schedules/schedules.module';
import { StorageModule } from 'src/modules/storage/storage.module';
import { ExecutionsModule } from '../executions.module';
import { GenerationProcessor } from './generation.processor';
import { ReportGenerationService } from './report-generation.service';

/** The generation worker (APP_ROLE worker or all): consumes the generation queue. */
@Module({
  imports: [ExecutionsModule, SchedulesModule, ReportGeneratorModule, StorageModule],
  providers: [GenerationProcessor, ReportGenerationService],
  exports: [ReportGenerationService],
})
export class GenerationWorkerModule {}
