import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Fair share: an execution is created pending and only put on the generation queue once a
 * dispatcher gives it one of its organization's `max_concurrent_generations` slots
 * (`dispatched_at`, set by a conditional UPDATE, so several schedulers never dispatch a row
 * twice). Runs already pending or running were enqueued by the code before this one, so they
 * count as dispatched. `overlap_policy` says what a slot does while the schedule's previous run
 * is still pending or running: `queue` (run it after, as before) or `coalesce` (skip it).
 */
export class AddFairDispatch1796810000000 implements MigrationInterface {
  name = 'AddFairDispatch1796810000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "report_executions" ADD "dispatched_at" TIMESTAMP WITH TIME ZONE`,
    );
    await queryRunner.query(
      `UPDATE "report_executions" SET "dispatched_at" = "created_at" WHERE "status" IN ('pending', 'running')`,
    );
    await queryRunner.query(
      `CREATE INDEX "report_executions_undispatched_idx" ON "report_executions" ("organization_id", "created_at") WHERE "status" = 'pending' AND "dispatched_at" IS NULL`,
    );
    await queryRunner.query(
      `CREATE INDEX "report_executions_in_flight_idx" ON "report_executions" ("organization_id") WHERE "status" IN ('pending', 'running') AND "dispatched_at" IS NOT NULL`,
    );
    await queryRunner.query(
      `CREATE INDEX "report_executions_schedule_in_flight_idx" ON "report_executions" ("scheduled_report_id") WHERE "trigger" = 'schedule' AND "status" IN ('pending', 'running')`,
    );
    await queryRunner.query(
      `ALTER TABLE "organizations" ADD "max_concurrent_generations" integer NOT NULL DEFAULT '2'`,
    );
    await queryRunner.query(
      `ALTER TABLE "organizations" ADD "overlap_policy" text NOT NULL DEFAULT 'queue'`,
    );
    await queryRunner.query(
      `ALTER TABLE "organizations" ADD CONSTRAINT "organizations_max_concurrent_generations_check" CHECK ("max_concurrent_generations" BETWEEN 1 AND 100)`,
    );
    await queryRunner.query(
      `ALTER TABLE "organizations" ADD CONSTRAINT "organizations_overlap_policy_check" CHECK ("overlap_policy" IN ('coalesce', 'queue'))`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "organizations" DROP CONSTRAINT "organizations_overlap_policy_check"`,
    );
    await queryRunner.query(
      `ALTER TABLE "organizations" DROP CONSTRAINT "organizations_max_concurrent_generations_check"`,
    );
    await queryRunner.query(`ALTER TABLE "organizations" DROP COLUMN "overlap_policy"`);
    await queryRunner.query(`ALTER TABLE "organizations" DROP COLUMN "max_concurrent_generations"`);
    await queryRunner.query(`DROP INDEX "public"."report_executions_schedule_in_flight_idx"`);
    await queryRunner.query(`DROP INDEX "public"."report_executions_in_flight_idx"`);
    await queryRunner.query(`DROP INDEX "public"."report_executions_undispatched_idx"`);
    await queryRunner.query(`ALTER TABLE "report_executions" DROP COLUMN "dispatched_at"`);
  }
}
