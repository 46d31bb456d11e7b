import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The schedules event stream asks, per organization and every few seconds, when its schedules,
 * runs and deliveries last changed: these indexes answer that from their last entries instead of
 * a scan of the organization's whole history.
 */
export class IndexOrganizationChanges1796830000000 implements MigrationInterface {
  name = 'IndexOrganizationChanges1796830000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE INDEX "scheduled_reports_organization_id_updated_at_idx" ON "scheduled_reports" ("organization_id", "updated_at") `,
    );
    await queryRunner.query(
      `CREATE INDEX "report_executions_organization_id_updated_at_idx" ON "report_executions" ("organization_id", "updated_at") `,
    );
    await queryRunner.query(
      `CREATE INDEX "report_deliveries_organization_id_updated_at_idx" ON "report_deliveries" ("organization_id", "updated_at") `,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `DROP INDEX "public"."report_deliveries_organization_id_updated_at_idx"`,
    );
    await queryRunner.query(
      `DROP INDEX "public"."report_executions_organization_id_updated_at_idx"`,
    );
    await queryRunner.query(
      `DROP INDEX "public"."scheduled_reports_organization_id_updated_at_idx"`,
    );
  }
}
