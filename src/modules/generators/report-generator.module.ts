import { Module } from '@nestjs/common';
import { StorageModule } from 'src/modules/storage/storage.module';
import { BrowserPool } from './pdf/browser-pool';
import { ReportDataReader } from './report-data/report-data.reader';
import { ReportGenerator } from './report-generator';
import { ReportTypesModule } from './report-types/report-types.module';

/** Writing report files (worker processes only: it owns the PDF browser). */
@Module({
  imports: [ReportTypesModule, StorageModule],
  providers: [ReportGenerator, ReportDataReader, BrowserPool],
  exports: [ReportGenerator, BrowserPool],
})
export class ReportGeneratorModule {}
