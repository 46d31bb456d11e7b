import { Module } from '@nestjs/common';
import { ArAgingProvider } from 'src/modules/generators/report-types/ar-aging.provider';
import { AuditLogExportProvider } from 'src/modules/generators/report-types/audit-log-export.provider';
import { InvoiceSummaryProvider } from 'src/modules/generators/report-types/invoice-summary.provider';
import {
  REPORT_TYPE_PROVIDERS,
  ReportTypeProvider,
} from 'src/modules/generators/report-types/report-type-provider';
import { ReportTypeRegistry } from 'src/modules/generators/report-types/report-type.registry';
import { RevenueByCustomerProvider } from 'src/modules/generators/report-types/revenue-by-customer.provider';
import { UsageReportProvider } from 'src/modules/generators/report-types/usage-report.provider';

// A new report type is one more entry here; the registry receives them all via the token.
const REPORT_TYPES = [
  InvoiceSummaryProvider,
  UsageReportProvider,
  ArAgingProvider,
  RevenueByCustomerProvider,
  AuditLogExportProvider,
];

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
