import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';

// A recipient `r` that names the member ($2 its user id, $3 its address).
const NAMES_MEMBER = `((r->>'type' = 'user_id' AND r->>'value' = $2)
                       OR (r->>'type' = 'email' AND lower(r->>'value') = $3))`;

/** Recipient lists across an organization's schedules (when someone leaves). */
@Injectable()
export class ScheduleRecipientsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Takes a member off every live schedule of the org: `user_id` recipients naming them, and
   * `email` recipients with their address. The ids of the schedules changed (none the second
   * time). The version moves, so an edit racing it answers 409 instead of putting them back.
   */
  async removeMember(
    orgId: string,
    userId: string,
    email: string | null,
    /** Records each change in the same transaction (its audit entry). */
    record: (manager: EntityManager, scheduleId: string) => Promise<void>,
  ): Promise<string[]> {
    return this.dataSource.transaction(async (manager) => {
      const ids = await this.removeIn(manager, orgId, userId, email);
      for (const id of ids) await record(manager, id);
      return ids;
    });
  }

  private async removeIn(
    manager: EntityManager,
    orgId: string,
    userId: string,
    email: string | null,
  ): Promise<string[]> {
    const rows: [{ id: string }[], number] = await manager.query(
      `UPDATE scheduled_reports s
          SET recipients = kept.list, version = s.version + 1, updated_at = now()
         FROM (SELECT s2.id,
                      COALESCE(jsonb_agg(r ORDER BY i) FILTER (WHERE NOT ${NAMES_MEMBER}),
                               '[]'::jsonb) AS list
                 FROM scheduled_reports s2,
                      jsonb_array_elements(s2.recipients) WITH ORDINALITY AS e(r, i)
                WHERE s2.organization_id = $1 AND s2.deleted_at IS NULL
                GROUP BY s2.id
               HAVING bool_or(${NAMES_MEMBER})) kept
        WHERE s.id = kept.id
        RETURNING s.id`,
      [orgId, userId, email?.toLowerCase() ?? null],
    );
    return rows[0].map((r) => r.id);
  }

  /** The org's live, active schedules a member created. */
  async activeCreatedBy(orgId: string, userId: string): Promise<string[]> {
    const rows: { id: string }[] = await this.dataSource.query(
      `SELECT id FROM scheduled_reports
        WHERE organization_id = $1 AND created_by = $2 AND status = 'active' AND deleted_at IS NULL`,
      [orgId, userId],
    );
    return rows.map((r) => r.id);
  }
}
