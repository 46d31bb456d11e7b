import { MigrationInterface, QueryRunner } from 'typeorm';

/** A daily budget of report emails per organization, so a runaway schedule cannot mail forever. */
export class AddEmailBudget1796500000000 implements MigrationInterface {
  name = 'AddEmailBudget1796500000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "organizations" ADD "email_budget_per_day" integer NOT NULL DEFAULT '10000'`,
    );
    await queryRunner.query(
      `ALTER TABLE "organizations" ADD CONSTRAINT "organizations_email_budget_per_day_check" CHECK ("email_budget_per_day" >= 0)`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "organizations" DROP CONSTRAINT "organizations_email_budget_per_day_check"`,
    );
    await queryRunner.query(`ALTER TABLE "organizations" DROP COLUMN "email_budget_per_day"`);
  }
}
