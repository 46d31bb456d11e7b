import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Delivery bookkeeping: a lease on each delivery (so a duplicate job cannot send twice),
 * per-schedule unsubscribes, and failure notices to schedule creators (once per failure).
 */
export class CreateDeliveryTables1796000000000 implements MigrationInterface {
  name = 'CreateDeliveryTables1796000000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "notices" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "organization_id" uuid NOT NULL, "kind" text NOT NULL, "subject_id" uuid NOT NULL, "scheduled_report_id" uuid NOT NULL, "status" text NOT NULL DEFAULT 'pending', "attempts" integer NOT NULL DEFAULT '0', "sent_at" TIMESTAMP WITH TIME ZONE, "error_message" text, "details" jsonb NOT NULL DEFAULT '{}', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "notices_kind_subject_key" UNIQUE ("kind", "subject_id"), CONSTRAINT "notices_status_check" CHECK ("status" IN ('pending', 'sent', 'failed', 'skipped')), CONSTRAINT "notices_kind_check" CHECK ("kind" IN ('execution_failed', 'delivery_failed', 'schedule_paused')), CONSTRAINT "PK_3eb18c29da25d6935fcbe584237" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "notices_pending_idx" ON "notices" ("updated_at") WHERE "status" = 'pending'`,
    );
    await queryRunner.query(
      `CREATE INDEX "notices_organization_id_idx" ON "notices" ("organization_id")`,
    );
    await queryRunner.query(
      `CREATE TABLE "unsubscribes" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "organization_id" uuid NOT NULL, "scheduled_report_id" uuid NOT NULL, "recipient_type" text NOT NULL, "recipient_value" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "unsubscribes_recipient_key" UNIQUE ("scheduled_report_id", "recipient_type", "recipient_value"), CONSTRAINT "PK_bb19c8e19578ff230f3e1a4aea3" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "unsubscribes_organization_id_idx" ON "unsubscribes" ("organization_id")`,
    );
    await queryRunner.query(`ALTER TABLE "report_deliveries" ADD "lease_id" uuid`);
    await queryRunner.query(
      `ALTER TABLE "report_deliveries" ADD "leased_until" TIMESTAMP WITH TIME ZONE`,
    );
    await queryRunner.query(
      `CREATE INDEX "report_deliveries_pending_idx" ON "report_deliveries" ("updated_at") WHERE "status" = 'pending'`,
    );
    await queryRunner.query(
      `ALTER TABLE "notices" ADD CONSTRAINT "notices_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "unsubscribes" ADD CONSTRAINT "unsubscribes_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "unsubscribes" ADD CONSTRAINT "unsubscribes_scheduled_report_id_fkey" FOREIGN KEY ("scheduled_report_id") REFERENCES "scheduled_reports"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "unsubscribes" DROP CONSTRAINT "unsubscribes_scheduled_report_id_fkey"`,
    );
    await queryRunner.query(
      `ALTER TABLE "unsubscribes" DROP CONSTRAINT "unsubscribes_organization_id_fkey"`,
    );
    await queryRunner.query(`ALTER TABLE "notices" DROP CONSTRAINT "notices_organization_id_fkey"`);
    await queryRunner.query(`DROP INDEX "public"."report_deliveries_pending_idx"`);
    await queryRunner.query(`ALTER TABLE "report_deliveries" DROP COLUMN "leased_until"`);
    await queryRunner.query(`ALTER TABLE "report_deliveries" DROP COLUMN "lease_id"`);
    await queryRunner.query(`DROP INDEX "public"."unsubscribes_organization_id_idx"`);
    await queryRunner.query(`DROP TABLE "unsubscribes"`);
    await queryRunner.query(`DROP INDEX "public"."notices_organization_id_idx"`);
    await queryRunner.query(`DROP INDEX "public"."notices_pending_idx"`);
    await queryRunner.query(`DROP TABLE "notices"`);
  }
}
