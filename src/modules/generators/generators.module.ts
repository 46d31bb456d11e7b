import { Module } from '@nestjs/common';
import { ReportTypesController } from './report-types.controller';
import { ReportTypesModule } from './report-types/report-types.module';

/** Report types now; the generation engine (writers, workers) joins here. */
@Module({
  imports: [ReportTypesModule],
  controllers: [ReportTypesController],
  exports: [ReportTypesModule],
})
export class GeneratorsModule {}
