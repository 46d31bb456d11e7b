import { Injectable } from '@nestjs/common';
import { dateRangeSchema } from 'src/modules/generators/date-ranges/date-range.schema';
import { JSON_SCHEMA_DRAFT_07 } from 'src/modules/generators/report-types/common-parameters.schema';
import { auditLogExportQuery } from 'src/modules/generators/report-data/audit-log-export.query';
import type {
  ReportQuery,
  ReportQueryContext,
} from 'src/modules/generators/report-data/report-query';
import { ReportTypeProvider } from 'src/modules/generators/report-types/report-type-provider';

@Injectable()
export class AuditLogExportProvider implements ReportTypeProvider {
  readonly id = 'audit_log_export';
  readonly name = 'Audit log export';
  readonly description = 'Audit log entries in the period, oldest first, for review or archiving.';
  readonly requiredPermission = 'audit:read';
  // The trail names every member and what they did: an admin's view, like /admin/audit-logs.
  readonly requiredRole = 'admin' as const;
  // A raw export: no PDF layout would help anyone read thousands of rows.
  readonly outputFormats = ['csv', 'xlsx'] as const;

  readonly parametersSchema = {
    $schema: JSON_SCHEMA_DRAFT_07,
    type: 'object',
    additionalProperties: false,
    required: ['date_range'],
    properties: {
      date_range: dateRangeSchema,
      actions: {
        type: 'array',
        items: { type: 'string', minLength: 1, maxLength: 100 },
        minItems: 1,
        maxItems: 50,
        uniqueItems: true,
        description: "Only these actions, e.g. 'schedule.created'; omit for all.",
      },
      actor: {
        type: 'string',
        minLength: 1,
        maxLength: 320,
        description: 'Only entries by this user id or email address.',
      },
      resource_type: {
        type: 'string',
        minLength: 1,
        maxLength: 64,
        description: "Only entries about this kind of resource, e.g. 'scheduled_report'.",
      },
    },
  } as const;

  readonly parametersExample = {
    date_range: { preset: 'previous_week' },
    actions: ['schedule.created', 'schedule.deleted'],
    resource_type: 'scheduled_report',
  };

  buildQuery(context: ReportQueryContext): ReportQuery {
    return auditLogExportQuery(context);
  }
}
