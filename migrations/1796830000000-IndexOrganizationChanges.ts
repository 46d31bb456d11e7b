import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The schedules event stream asks, per organization and every few seconds, when its schedules,
 * runs and deliveries last changed: these indexes answer that from their last entries instead of
 * a scan of the organization's whole history.
 *
 * The builds lock writes to those tables while they run (deliveries and runs wait). On a large
 * history, build them first with CREATE INDEX CONCURRENTLY under the same names; this migration
 * keeps them. Not concurrently here: processes booting at once wait for the migration lock
 * inside a statement, and a concurrent build would wait for them in turn.
 */
export class IndexOrganizationChanges1796830000000 implements MigrationInterface {
  name = 'IndexOrganizationChanges1796830000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE INDEX IF NOT EXISTS "scheduled_reports_organization_id_updated_at_idx" ON "scheduled_reports" ("organization_id", "updated_at") `,
    );
    await queryRunner.query(
      `CREATE INDEX IF NOT EXISTS "report_executions_organization_id_updated_at_idx" ON "report_executions" ("organization_id", "updated_at") `,
    );
    await queryRunner.query(
      `CREATE INDEX IF NOT EXISTS "report_deliveries_organization_id_updated_at_idx" ON "report_deliveries" ("organization_id", "updated_at") `,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `DROP INDEX IF EXISTS "public"."report_deliveries_organization_id_updated_at_idx"`,
    );
    await queryRunner.query(
      `DROP INDEX IF EXISTS "public"."report_executions_organization_id_updated_at_idx"`,
    );
    await queryRunner.query(
      `DROP INDEX IF EXISTS "public"."scheduled_reports_organization_id_updated_at_idx"`,
    );
  }
}
