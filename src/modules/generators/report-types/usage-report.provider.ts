import { Injectable } from '@nestjs/common';
import { dateRangeSchema } from 'src/modules/generators/date-ranges/date-range.schema';
import {
  JSON_SCHEMA_DRAFT_07,
  customerIdsSchema,
} from 'src/modules/generators/report-types/common-parameters.schema';
import { usageReportQuery } from 'src/modules/generators/report-data/usage-report.query';
import type {
  ReportQuery,
  ReportQueryContext,
} from 'src/modules/generators/report-data/report-query';
import { ReportTypeProvider } from 'src/modules/generators/report-types/report-type-provider';

@Injectable()
export class UsageReportProvider implements ReportTypeProvider {
  readonly id = 'usage_report';
  readonly name = 'Usage report';
  readonly description =
    'Metered usage per customer and metric, summed per day, ISO week (Monday start) or month.';
  readonly requiredPermission = 'usage:read';
  readonly outputFormats = ['csv', 'xlsx'] as const;

  readonly parametersSchema = {
    $schema: JSON_SCHEMA_DRAFT_07,
    type: 'object',
    additionalProperties: false,
    required: ['date_range'],
    properties: {
      date_range: dateRangeSchema,
      granularity: { type: 'string', enum: ['day', 'week', 'month'], default: 'day' },
      metrics: {
        type: 'array',
        items: { type: 'string', pattern: '^[a-z][a-z0-9_.]{0,63}$', examples: ['api.requests'] },
        minItems: 1,
        maxItems: 50,
        uniqueItems: true,
        description: 'Metric names to include; omit for all metrics.',
      },
      customer_ids: customerIdsSchema,
    },
  } as const;

  readonly parametersExample = {
    date_range: { preset: 'last_7_days' },
    granularity: 'day',
    metrics: ['api.requests', 'storage.gb_hours'],
  };

  buildQuery(context: ReportQueryContext): ReportQuery {
    return usageReportQuery(context);
  }
}
