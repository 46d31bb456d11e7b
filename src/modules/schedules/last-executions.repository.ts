import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { DeliveryStatus, ExecutionStatus, ExecutionTrigger } from 'src/domain/vocabulary';
import { LastExecutionDto } from './dto/last-execution.dto';

/** Deliveries a list of schedules flags beside the run: they reached nobody. */
const FAILED_DELIVERY_STATUSES: DeliveryStatus[] = ['failed', 'bounced'];

interface Row {
  schedule_id: string;
  id: string;
  status: ExecutionStatus;
  trigger: ExecutionTrigger;
  scheduled_for: Date;
  completed_at: Date | null;
  failed_deliveries: number;
}

/**
 * The latest run of each schedule of a page, with its failed deliveries counted: one query for
 * the whole page (a client showing N schedules used to ask 2N more questions). Read-only; the
 * executions module owns these tables' writes.
 */
@Injectable()
export class LastExecutionsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** By schedule id; a schedule that never ran has no entry. */
  async of(orgId: string, scheduleIds: string[]): Promise<Map<string, LastExecutionDto>> {
    if (scheduleIds.length === 0) return new Map();
    // Per schedule, the newest run by the (scheduled_report_id, created_at) index, the order
    // the history lists them in; its deliveries by the (report_execution_id, ...) unique key.
    const rows: Row[] = await this.dataSource.query(
      `SELECT s.id AS schedule_id, e.id, e.status, e.trigger, e.scheduled_for, e.completed_at,
              (SELECT count(*)::int FROM report_deliveries d
                WHERE d.report_execution_id = e.id AND d.organization_id = $1
                  AND d.status = ANY($3::text[])) AS failed_deliveries
         FROM unnest($2::uuid[]) AS s(id)
        CROSS JOIN LATERAL (
              SELECT x.id, x.status, x.trigger, x.scheduled_for, x.completed_at
                FROM report_executions x
               WHERE x.scheduled_report_id = s.id AND x.organization_id = $1
               ORDER BY x.created_at DESC, x.id DESC
               LIMIT 1) e`,
      [orgId, scheduleIds, FAILED_DELIVERY_STATUSES],
    );
    return new Map(
      rows.map((r) => [
        r.schedule_id,
        {
          id: r.id,
          status: r.status,
          trigger: r.trigger,
          scheduled_for: r.scheduled_for.toISOString(),
          completed_at: r.completed_at?.toISOString() ?? null,
          failed_deliveries: r.failed_deliveries,
        },
      ]),
    );
  }
}
