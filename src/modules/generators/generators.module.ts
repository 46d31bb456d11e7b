import { Module } from '@nestjs/common';
import { ReportTypesController } from './report-types.controller';
import { ReportTypesModule } from './report-types/report-types.module';

/** The report catalogue for the API (GET /report-types); ReportGeneratorModule writes files. */
@Module({
  imports: [ReportTypesModule],
  controllers: [ReportTypesController],
  exports: [ReportTypesModule],
})
export class GeneratorsModule {}
