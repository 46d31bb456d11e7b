import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The domain-event outbox: a run's completion or failure is recorded in the transaction that
 * finishes it, and delivery (fan-out, failure notices) reacts to the event, so executions no
 * longer write delivery rows themselves.
 */
export class CreateOutboxEvents1796100000000 implements MigrationInterface {
  name = 'CreateOutboxEvents1796100000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "outbox_events" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "organization_id" uuid NOT NULL, "type" text NOT NULL, "subject_id" uuid NOT NULL, "payload" jsonb NOT NULL DEFAULT '{}', "attempts" integer NOT NULL DEFAULT '0', "leased_until" TIMESTAMP WITH TIME ZONE, "last_error" text, "dispatched_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "outbox_events_type_check" CHECK ("type" IN ('execution.completed', 'execution.failed')), CONSTRAINT "PK_6689a16c00d09b8089f6237f1d2" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "outbox_events_undispatched_idx" ON "outbox_events" ("created_at") WHERE "dispatched_at" IS NULL`,
    );
    await queryRunner.query(
      `CREATE INDEX "outbox_events_organization_id_idx" ON "outbox_events" ("organization_id")`,
    );
    await queryRunner.query(
      `ALTER TABLE "outbox_events" ADD CONSTRAINT "outbox_events_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "outbox_events" DROP CONSTRAINT "outbox_events_organization_id_fkey"`,
    );
    await queryRunner.query(`DROP INDEX "public"."outbox_events_organization_id_idx"`);
    await queryRunner.query(`DROP INDEX "public"."outbox_events_undispatched_idx"`);
    await queryRunner.query(`DROP TABLE "outbox_events"`);
  }
}
