import { Injectable } from '@nestjs/common';
import { dateRangeSchema } from 'src/modules/generators/date-ranges/date-range.schema';
import {
  JSON_SCHEMA_DRAFT_07,
  currencySchema,
} from 'src/modules/generators/report-types/common-parameters.schema';
import { revenueByCustomerQuery } from 'src/modules/generators/report-data/revenue-by-customer.query';
import type {
  ReportQuery,
  ReportQueryContext,
} from 'src/modules/generators/report-data/report-query';
import { ReportTypeProvider } from 'src/modules/generators/report-types/report-type-provider';

@Injectable()
export class RevenueByCustomerProvider implements ReportTypeProvider {
  readonly id = 'revenue_by_customer';
  readonly name = 'Revenue by customer';
  readonly description = 'The customers with the most revenue in the period, largest first.';
  readonly requiredPermission = 'billing:read';

  readonly parametersSchema = {
    $schema: JSON_SCHEMA_DRAFT_07,
    type: 'object',
    additionalProperties: false,
    required: ['date_range'],
    properties: {
      date_range: dateRangeSchema,
      top_n: { type: 'integer', minimum: 1, maximum: 1000, default: 50 },
      currency: currencySchema,
    },
  } as const;

  readonly parametersExample = {
    date_range: { preset: 'previous_quarter' },
    top_n: 25,
    currency: 'EUR',
  };

  buildQuery(context: ReportQueryContext): ReportQuery {
    return revenueByCustomerQuery(context);
  }
}
