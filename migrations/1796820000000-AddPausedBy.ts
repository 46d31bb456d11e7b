import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Who paused a schedule (`paused_by`: a member, or the service itself) and why the service did
 * (`paused_reason`), so the console can tell "paused by the service" from a member's pause.
 * Schedules paused before this migration are read from their last `schedule.paused` audit
 * entry (the service's actors are `system` or `system:<why>`); their reason was not recorded.
 */
export class AddPausedBy1796820000000 implements MigrationInterface {
  name = 'AddPausedBy1796820000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "scheduled_reports" ADD "paused_by" text`);
    await queryRunner.query(`ALTER TABLE "scheduled_reports" ADD "paused_reason" text`);
    await queryRunner.query(
      `ALTER TABLE "scheduled_reports" ADD CONSTRAINT "scheduled_reports_paused_by_check" CHECK ("paused_by" IN ('user', 'system'))`,
    );
    await queryRunner.query(
      `UPDATE "scheduled_reports" s
          SET "paused_by" = CASE WHEN COALESCE((
                SELECT a.actor ~ '^system(:|$)' FROM "audit_logs" a
                 WHERE a.organization_id = s.organization_id AND a.resource_id = s.id
                   AND a.action = 'schedule.paused'
                 ORDER BY a.created_at DESC, a.id DESC LIMIT 1), false)
              THEN 'system' ELSE 'user' END
        WHERE s.status = 'paused'`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "scheduled_reports" DROP CONSTRAINT "scheduled_reports_paused_by_check"`,
    );
    await queryRunner.query(`ALTER TABLE "scheduled_reports" DROP COLUMN "paused_reason"`);
    await queryRunner.query(`ALTER TABLE "scheduled_reports" DROP COLUMN "paused_by"`);
  }
}
