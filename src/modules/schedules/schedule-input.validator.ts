import { Injectable } from '@nestjs/common';
import { OutputFormat } from 'src/domain/vocabulary';
import { Actor, hasPermission, hasRole } from 'src/common/auth/actor';
import { ForbiddenError, ValidationFailedError } from 'src/common/errors/domain-error';
import { ReportTypeRegistry } from 'src/modules/generators/report-types/report-type.registry';
import { Organization } from 'src/modules/organizations/entities/organization.entity';
import { validateScheduleConfig } from './calendar/schedule-calculator';
import type { ScheduleConfig } from './calendar/schedule-config';
import type { DeliveryOptions, Recipient } from './entities/scheduled-report.entity';
import { RecipientsValidator } from './recipients.validator';

/** The editable part of a schedule, as it will be stored. */
export interface ScheduleInput {
  name: string;
  description: string | null;
  report_type: string;
  schedule_config: ScheduleConfig;
  recipients: Recipient[];
  report_parameters: Record<string, unknown>;
  output_format: OutputFormat;
  delivery_options: DeliveryOptions;
}

/**
 * Checks a complete candidate schedule and reports every problem at once (one 400),
 * after the caller's right to use the report type (403).
 */
@Injectable()
export class ScheduleInputValidator {
  constructor(
    private readonly reportTypes: ReportTypeRegistry,
    private readonly recipients: RecipientsValidator,
  ) {}

  async validate(actor: Actor, org: Organization, input: ScheduleInput): Promise<ScheduleInput> {
    const errors: string[] = [];
    const type = this.reportTypes.find(input.report_type);
    if (!type) {
      errors.push(
        `report_type '${input.report_type}' is not a known report type (see GET /api/report-types)`,
      );
    } else {
      if (!hasPermission(actor, type.requiredPermission)) {
        throw new ForbiddenError(
          `report type '${type.id}' needs the ${type.requiredPermission} permission`,
        );
      }
      if (type.requiredRole && !hasRole(actor, type.requiredRole)) {
        throw new ForbiddenError(
          `report type '${type.id}' needs the ${type.requiredRole} role or above`,
        );
      }
      const formats = this.reportTypes.formatsOf(type);
      if (!formats.includes(input.output_format)) {
        errors.push(
          `output_format '${input.output_format}' is not offered by ${type.id} (offers ${formats.join(', ')})`,
        );
      }
      errors.push(...this.reportTypes.validateParameters(type.id, input.report_parameters));
    }
    errors.push(...validateScheduleConfig(input.schedule_config));
    const checked = await this.recipients.validate(org, input.recipients);
    errors.push(...checked.errors);
    if (errors.length > 0) throw new ValidationFailedError(errors);
    return { ...input, recipients: checked.recipients };
  }

  validateScheduleOnly(config: ScheduleConfig): void {
    const errors = validateScheduleConfig(config);
    if (errors.length > 0) throw new ValidationFailedError(errors);
  }
}
