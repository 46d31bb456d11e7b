import type { OutputFormat } from 'src/domain/vocabulary';
import type {
  DeliveryOptions,
  Recipient,
  ScheduledReport,
} from 'src/modules/schedules/entities/scheduled-report.entity';
import type { ReportExecution } from './entities/report-execution.entity';

/**
 * What a run needs from its schedule. A scheduled run keeps the copy taken when its slot was
 * claimed, so an edit after the claim changes the next run, never one already under way.
 */
export interface RunConfig {
  name: string;
  report_type: string;
  report_parameters: Record<string, unknown>;
  output_format: OutputFormat;
  timezone: string;
  recipients: Recipient[];
  delivery_options: DeliveryOptions;
}

/** The same copy in SQL, from the schedule row aliased `s` (taken in the claim's transaction). */
export const RUN_CONFIG_SQL = `jsonb_build_object(
  'name', s.name, 'report_type', s.report_type, 'report_parameters', s.report_parameters,
  'output_format', s.output_format, 'timezone', s.schedule_config->>'timezone',
  'recipients', s.recipients, 'delivery_options', s.delivery_options)`;

/** The claimed copy, or the live schedule for runs that have none (manual runs, older rows). */
export function runConfigOf(execution: ReportExecution, schedule: ScheduledReport): RunConfig {
  return (
    execution.config_snapshot ?? {
      name: schedule.name,
      report_type: schedule.report_type,
      report_parameters: schedule.report_parameters,
      output_format: schedule.output_format,
      timezone: schedule.schedule_config.timezone,
      recipients: schedule.recipients,
      delivery_options: schedule.delivery_options,
    }
  );
}
