import { Injectable } from '@nestjs/common';
import {
  JSON_SCHEMA_DRAFT_07,
  currencySchema,
  customerIdsSchema,
} from 'src/modules/generators/report-types/common-parameters.schema';
import { arAgingQuery } from 'src/modules/generators/report-data/ar-aging.query';
import type {
  ReportQuery,
  ReportQueryContext,
} from 'src/modules/generators/report-data/report-query';
import { ReportTypeProvider } from 'src/modules/generators/report-types/report-type-provider';

/** No date range: aging is a snapshot of open invoices as of the run date. */
@Injectable()
export class ArAgingProvider implements ReportTypeProvider {
  readonly id = 'ar_aging';
  readonly name = 'Accounts receivable aging';
  readonly description =
    'Open balances per customer as of the run date, by days past due: current, 1-30, 31-60, 61-90, over 90.';
  readonly requiredPermission = 'billing:read';

  readonly parametersSchema = {
    $schema: JSON_SCHEMA_DRAFT_07,
    type: 'object',
    additionalProperties: false,
    properties: {
      currency: currencySchema,
      customer_ids: customerIdsSchema,
      min_balance_cents: {
        type: 'integer',
        minimum: 0,
        description: 'Leave out customers whose open balance is below this, in cents.',
      },
      include_current: {
        type: 'boolean',
        default: true,
        description: 'Include balances not yet due.',
      },
    },
  } as const;

  readonly parametersExample = {
    currency: 'USD',
    min_balance_cents: 10000,
    include_current: false,
  };

  buildQuery(context: ReportQueryContext): ReportQuery {
    return arAgingQuery(context);
  }
}
