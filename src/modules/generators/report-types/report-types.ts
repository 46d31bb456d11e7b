import { ArAgingProvider } from './ar-aging.provider';
import { AuditLogExportProvider } from './audit-log-export.provider';
import { InvoiceSummaryProvider } from './invoice-summary.provider';
import { RevenueByCustomerProvider } from './revenue-by-customer.provider';
import { UsageReportProvider } from './usage-report.provider';

/** Every report type the service offers: a new one is one more entry here (docs/extending.md). */
export const REPORT_TYPES = [
  InvoiceSummaryProvider,
  UsageReportProvider,
  ArAgingProvider,
  RevenueByCustomerProvider,
  AuditLogExportProvider,
];
