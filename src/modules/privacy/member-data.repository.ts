import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

type Rows = Record<string, unknown>[];

/** What the service holds about one member, in every table; read-only, scoped to the org. */
export interface MemberData {
  member: Record<string, unknown>;
  schedules_created: Rows;
  recipient_of: Rows;
  runs_requested: Rows;
  deliveries: Rows;
  unsubscribes: Rows;
  notices: Rows;
  audit_entries: Rows;
}

/**
 * The one place that reads across the modules' tables for a data-subject access request: a
 * member is named by their user id (schedules they created, runs they asked for, audit entries
 * they caused, `user_id` recipients) and by their address (`email` recipients, deliveries,
 * unsubscribes).
 */
@Injectable()
export class MemberDataRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async collect(orgId: string, memberId: string): Promise<MemberData | null> {
    const q = (sql: string, params: unknown[]): Promise<Rows> => this.dataSource.query(sql, params);
    const [member] = await q(
      `SELECT id, user_id, email, name, roles, permissions, is_active, deactivated_at,
              last_seen_at, created_at, updated_at
         FROM members WHERE id = $1 AND organization_id = $2`,
      [memberId, orgId],
    );
    if (!member) return null;
    const who = [orgId, member.user_id, (member.email as string | null)?.toLowerCase() ?? null];
    const [schedules, recipientOf, runs, deliveries, unsubscribes, notices, audit] =
      await Promise.all([
        q(
          `SELECT id, name, report_type, status, recipients, created_at, updated_at, deleted_at
             FROM scheduled_reports WHERE organization_id = $1 AND created_by = $2
            ORDER BY created_at`,
          who.slice(0, 2),
        ),
        q(
          `SELECT s.id AS schedule_id, s.name, r->>'type' AS recipient_type,
                  r->>'value' AS recipient_value
             FROM scheduled_reports s, jsonb_array_elements(s.recipients) r
            WHERE s.organization_id = $1
              AND ((r->>'type' = 'user_id' AND r->>'value' = $2)
                   OR (r->>'type' = 'email' AND lower(r->>'value') = $3))
            ORDER BY s.created_at`,
          who,
        ),
        q(
          `SELECT id, scheduled_report_id, trigger, scheduled_for, status, created_at
             FROM report_executions WHERE organization_id = $1 AND requested_by = $2
            ORDER BY created_at`,
          who.slice(0, 2),
        ),
        q(
          `SELECT id, report_execution_id, recipient_type, recipient_value, status,
                  delivered_at, created_at
             FROM report_deliveries
            WHERE organization_id = $1
              AND ((recipient_type = 'user_id' AND recipient_value = $2)
                   OR (recipient_type = 'email' AND lower(recipient_value) = $3))
            ORDER BY created_at`,
          who,
        ),
        q(
          `SELECT id, scheduled_report_id, recipient_type, recipient_value, created_at
             FROM unsubscribes
            WHERE organization_id = $1
              AND ((recipient_type = 'user_id' AND recipient_value = $2)
                   OR (recipient_type = 'email' AND lower(recipient_value) = $3))
            ORDER BY created_at`,
          who,
        ),
        // Notices are mailed to a schedule's creator.
        q(
          `SELECT n.id, n.kind, n.status, n.scheduled_report_id, n.sent_at, n.created_at
             FROM notices n JOIN scheduled_reports s ON s.id = n.scheduled_report_id
            WHERE n.organization_id = $1 AND s.created_by = $2 AND n.kind <> 'access_revoked'
            ORDER BY n.created_at`,
          who.slice(0, 2),
        ),
        q(
          `SELECT id, action, resource_type, resource_id, details, request_id, created_at
             FROM audit_logs WHERE organization_id = $1 AND actor = $2
            ORDER BY created_at, id`,
          who.slice(0, 2),
        ),
      ]);
    return {
      member,
      schedules_created: schedules,
      recipient_of: recipientOf,
      runs_requested: runs,
      deliveries,
      unsubscribes,
      notices,
      audit_entries: audit,
    };
  }
}
