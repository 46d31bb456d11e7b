import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Tables stop growing forever: an organization keeps its run history (executions with their
 * deliveries, notices) for `history_days` and its audit trail for `audit_retention_days`. The
 * history outlives the files (`retention_days`), so a row never goes before its file does.
 * The indexes serve the purge's scans (finished runs by age, notices by age, dispatched outbox
 * events by age, files still stored by age) and the metrics' recent-window counts, which scanned whole tables before.
 */
export class AddHistoryRetention1796700000000 implements MigrationInterface {
  name = 'AddHistoryRetention1796700000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "organizations" ADD "history_days" integer NOT NULL DEFAULT '400'`,
    );
    await queryRunner.query(
      `ALTER TABLE "organizations" ADD "audit_retention_days" integer NOT NULL DEFAULT '2555'`,
    );
    await queryRunner.query(
      `ALTER TABLE "organizations" ADD CONSTRAINT "organizations_history_days_check" CHECK ("history_days" BETWEEN 7 AND 3650 AND "history_days" >= "retention_days")`,
    );
    await queryRunner.query(
      `ALTER TABLE "organizations" ADD CONSTRAINT "organizations_audit_retention_days_check" CHECK ("audit_retention_days" BETWEEN 30 AND 3650)`,
    );
    await queryRunner.query(
      `CREATE INDEX "report_executions_finished_idx" ON "report_executions" ("organization_id", "completed_at") WHERE "status" IN ('completed', 'failed')`,
    );
    await queryRunner.query(
      `CREATE INDEX "notices_organization_id_created_at_idx" ON "notices" ("organization_id", "created_at")`,
    );
    await queryRunner.query(
      `CREATE INDEX "outbox_events_dispatched_idx" ON "outbox_events" ("dispatched_at") WHERE "dispatched_at" IS NOT NULL`,
    );
    await queryRunner.query(
      `CREATE INDEX "report_executions_created_at_idx" ON "report_executions" ("created_at")`,
    );
    await queryRunner.query(
      `CREATE INDEX "report_executions_stored_files_idx" ON "report_executions" ("organization_id", "completed_at") WHERE "file_key" IS NOT NULL AND "file_expired_at" IS NULL AND "status" = 'completed'`,
    );
    await queryRunner.query(
      `CREATE INDEX "report_deliveries_created_at_idx" ON "report_deliveries" ("created_at")`,
    );
    await queryRunner.query(
      `CREATE INDEX "notices_kind_created_at_idx" ON "notices" ("kind", "created_at")`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."notices_kind_created_at_idx"`);
    await queryRunner.query(`DROP INDEX "public"."report_deliveries_created_at_idx"`);
    await queryRunner.query(`DROP INDEX "public"."report_executions_stored_files_idx"`);
    await queryRunner.query(`DROP INDEX "public"."report_executions_created_at_idx"`);
    await queryRunner.query(`DROP INDEX "public"."outbox_events_dispatched_idx"`);
    await queryRunner.query(`DROP INDEX "public"."notices_organization_id_created_at_idx"`);
    await queryRunner.query(`DROP INDEX "public"."report_executions_finished_idx"`);
    await queryRunner.query(
      `ALTER TABLE "organizations" DROP CONSTRAINT "organizations_audit_retention_days_check"`,
    );
    await queryRunner.query(
      `ALTER TABLE "organizations" DROP CONSTRAINT "organizations_history_days_check"`,
    );
    await queryRunner.query(`ALTER TABLE "organizations" DROP COLUMN "audit_retention_days"`);
    await queryRunner.query(`ALTER TABLE "organizations" DROP COLUMN "history_days"`);
  }
}
