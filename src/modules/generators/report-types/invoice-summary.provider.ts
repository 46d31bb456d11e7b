import { Injectable } from '@nestjs/common';
import { INVOICE_STATUSES } from 'src/domain/vocabulary';
import { dateRangeSchema } from 'src/modules/generators/date-ranges/date-range.schema';
import {
  JSON_SCHEMA_DRAFT_07,
  currencySchema,
  customerIdsSchema,
} from 'src/modules/generators/report-types/common-parameters.schema';
import { invoiceSummaryQuery } from 'src/modules/generators/report-data/invoice-summary.query';
import type {
  ReportQuery,
  ReportQueryContext,
} from 'src/modules/generators/report-data/report-query';
import { ReportTypeProvider } from 'src/modules/generators/report-types/report-type-provider';

@Injectable()
export class InvoiceSummaryProvider implements ReportTypeProvider {
  readonly id = 'invoice_summary';
  readonly name = 'Invoice summary';
  readonly description =
    'Invoices issued in the period with customer, status, due date and totals, one row each.';
  readonly requiredPermission = 'billing:read';

  readonly parametersSchema = {
    $schema: JSON_SCHEMA_DRAFT_07,
    type: 'object',
    additionalProperties: false,
    required: ['date_range'],
    properties: {
      date_range: { ...dateRangeSchema, description: 'Invoices issued in this period.' },
      statuses: {
        type: 'array',
        items: { type: 'string', enum: INVOICE_STATUSES },
        minItems: 1,
        uniqueItems: true,
        description: 'Only invoices in these statuses; omit for all.',
      },
      currency: currencySchema,
      customer_ids: customerIdsSchema,
      sort_by: {
        type: 'string',
        enum: ['issued_at', 'due_date', 'total', 'customer_name'],
        default: 'issued_at',
      },
      sort_direction: { type: 'string', enum: ['asc', 'desc'], default: 'asc' },
    },
  } as const;

  readonly parametersExample = {
    date_range: { preset: 'previous_month' },
    statuses: ['open', 'paid'],
    currency: 'USD',
    sort_by: 'due_date',
    sort_direction: 'asc',
  };

  buildQuery(context: ReportQueryContext): ReportQuery {
    return invoiceSummaryQuery(context);
  }
}
