import { Module } from '@nestjs/common';
import { REPORT_TYPE_PROVIDERS, ReportTypeProvider } from './report-type-provider';
import { ReportTypeRegistry } from './report-type.registry';
import { REPORT_TYPES } from './report-types';

/** The report catalogue: every provider of REPORT_TYPES, handed to the registry as one list. */
@Module({
  providers: [
    ...REPORT_TYPES,
    {
      provide: REPORT_TYPE_PROVIDERS,
      useFactory: (...types: ReportTypeProvider[]) => types,
      inject: REPORT_TYPES,
    },
    ReportTypeRegistry,
  ],
  exports: [ReportTypeRegistry],
})
export class ReportTypesModule {}
