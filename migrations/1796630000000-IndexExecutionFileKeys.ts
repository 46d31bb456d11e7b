import { MigrationInterface, QueryRunner } from 'typeorm';

/** The storage sweeper asks which listed keys a run still names: one index lookup per key. */
export class IndexExecutionFileKeys1796630000000 implements MigrationInterface {
  name = 'IndexExecutionFileKeys1796630000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE INDEX "report_executions_file_key_idx" ON "report_executions" ("file_key") WHERE "file_key" IS NOT NULL`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."report_executions_file_key_idx"`);
  }
}
