import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A notice whose worker keeps dying (killed, out of memory) while sending it was re-queued
 * forever: `lost_attempts` counts the attempts that ended without an outcome, so it can be
 * failed with the reason after a few, as deliveries are.
 */
export class CountLostNoticeAttempts1796800000000 implements MigrationInterface {
  name = 'CountLostNoticeAttempts1796800000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "notices" ADD "lost_attempts" integer NOT NULL DEFAULT '0'`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "notices" DROP COLUMN "lost_attempts"`);
  }
}
