import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A delivery whose send timed out without an answer is `unknown` (resent after its lease under
 * the same ids), and failure notices get the lease deliveries have, so two jobs of one notice
 * cannot send it at the same time.
 */
export class RecordUnknownOutcomes1796610000000 implements MigrationInterface {
  name = 'RecordUnknownOutcomes1796610000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "report_deliveries" DROP CONSTRAINT "report_deliveries_status_check"`,
    );
    await queryRunner.query(
      `ALTER TABLE "report_deliveries" ADD CONSTRAINT "report_deliveries_status_check" CHECK ("status" IN ('pending', 'sent', 'failed', 'bounced', 'skipped', 'unknown'))`,
    );
    await queryRunner.query(`ALTER TABLE "notices" ADD "lease_id" uuid`);
    await queryRunner.query(`ALTER TABLE "notices" ADD "leased_until" TIMESTAMP WITH TIME ZONE`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "notices" DROP COLUMN "leased_until"`);
    await queryRunner.query(`ALTER TABLE "notices" DROP COLUMN "lease_id"`);
    await queryRunner.query(
      `UPDATE "report_deliveries" SET "status" = 'pending' WHERE "status" = 'unknown'`,
    );
    await queryRunner.query(
      `ALTER TABLE "report_deliveries" DROP CONSTRAINT "report_deliveries_status_check"`,
    );
    await queryRunner.query(
      `ALTER TABLE "report_deliveries" ADD CONSTRAINT "report_deliveries_status_check" CHECK ("status" IN ('pending', 'sent', 'failed', 'bounced', 'skipped'))`,
    );
  }
}
