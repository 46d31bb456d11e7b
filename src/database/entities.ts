import { AuditLog } from 'src/modules/audit/entities/audit-log.entity';
import { Notice } from 'src/modules/delivery/entities/notice.entity';
import { ReportDelivery } from 'src/modules/delivery/entities/report-delivery.entity';
import { Unsubscribe } from 'src/modules/delivery/entities/unsubscribe.entity';
import { ReportExecution } from 'src/modules/executions/entities/report-execution.entity';
import { Member } from 'src/modules/organizations/entities/member.entity';
import { Organization } from 'src/modules/organizations/entities/organization.entity';
import { OutboxEvent } from 'src/modules/outbox/entities/outbox-event.entity';
import { TzdataState } from 'src/modules/scheduler/entities/tzdata-state.entity';
import { ScheduledReport } from 'src/modules/schedules/entities/scheduled-report.entity';

/** Every entity, for the CLI data source and the entity/migration drift test. */
export const ALL_ENTITIES = [
  Organization,
  Member,
  ScheduledReport,
  ReportExecution,
  ReportDelivery,
  Unsubscribe,
  Notice,
  AuditLog,
  OutboxEvent,
  TzdataState,
];
