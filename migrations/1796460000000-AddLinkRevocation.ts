import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `POST /report-executions/:id/revoke-links`: signed links of an execution issued up to this
 * instant answer 410. One nullable column, so existing rows (and their links) are unaffected.
 */
export class AddLinkRevocation1796460000000 implements MigrationInterface {
  name = 'AddLinkRevocation1796460000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "report_executions" ADD "links_revoked_at" TIMESTAMP WITH TIME ZONE`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "report_executions" DROP COLUMN "links_revoked_at"`);
  }
}
