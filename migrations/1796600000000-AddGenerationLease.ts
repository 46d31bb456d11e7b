import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A generation attempt's lease expires unless its worker renews it, so a second attempt takes
 * over a run only once the first has stopped (died, or stopped renewing).
 */
export class AddGenerationLease1796600000000 implements MigrationInterface {
  name = 'AddGenerationLease1796600000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "report_executions" ADD "leased_until" TIMESTAMP WITH TIME ZONE`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "report_executions" DROP COLUMN "leased_until"`);
  }
}
