import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Scheduled runs are identified by their nominal local time (schedule, zone, local date-time,
 * fold) instead of their instant, which a tz database update can move; each run keeps a copy of
 * the schedule's settings taken at claim; the tz data version the schedules were computed with
 * is recorded.
 */
export class IdentifySlotsByLocalTime1796620000000 implements MigrationInterface {
  name = 'IdentifySlotsByLocalTime1796620000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "tzdata_state" ("id" smallint NOT NULL DEFAULT '1', "version" text NOT NULL, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "tzdata_state_one_row_check" CHECK ("id" = 1), CONSTRAINT "tzdata_state_pkey" PRIMARY KEY ("id"))`,
    );
    // Filled by the scheduler from each schedule's calendar (it knows a slot's nominal time).
    await queryRunner.query(`ALTER TABLE "scheduled_reports" ADD "next_slot_local" text`);
    await queryRunner.query(`ALTER TABLE "scheduled_reports" ADD "next_slot_fold" smallint`);
    await queryRunner.query(`ALTER TABLE "report_executions" ADD "slot_local" text`);
    await queryRunner.query(`ALTER TABLE "report_executions" ADD "slot_fold" smallint`);
    await queryRunner.query(`ALTER TABLE "report_executions" ADD "slot_zone" text`);
    await queryRunner.query(`ALTER TABLE "report_executions" ADD "config_snapshot" jsonb`);
    // Past slots by the wall time they ran at in their schedule's zone; a wall time seen twice
    // (a DST overlap) is told apart by its order.
    await queryRunner.query(
      `UPDATE "report_executions" e
          SET slot_zone = k.zone, slot_local = k.local,
              slot_fold = k.n - 1
         FROM (SELECT e2.id, s.schedule_config->>'timezone' AS zone,
                      to_char(e2.scheduled_for AT TIME ZONE (s.schedule_config->>'timezone'),
                              'YYYY-MM-DD"T"HH24:MI') AS local,
                      row_number() OVER (
                        PARTITION BY e2.scheduled_report_id,
                                     to_char(e2.scheduled_for AT TIME ZONE (s.schedule_config->>'timezone'),
                                             'YYYY-MM-DD"T"HH24:MI')
                        ORDER BY e2.scheduled_for) AS n
                 FROM "report_executions" e2
                 JOIN "scheduled_reports" s ON s.id = e2.scheduled_report_id
                WHERE e2."trigger" = 'schedule') k
        WHERE e.id = k.id`,
    );
    await queryRunner.query(`DROP INDEX "public"."report_executions_slot_key"`);
    await queryRunner.query(
      `CREATE INDEX "report_executions_scheduled_report_id_scheduled_for_idx" ON "report_executions" ("scheduled_report_id", "scheduled_for") `,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "report_executions_slot_key" ON "report_executions" ("scheduled_report_id", "slot_zone", "slot_local", "slot_fold") WHERE "trigger" = 'schedule'`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."report_executions_slot_key"`);
    await queryRunner.query(
      `DROP INDEX "public"."report_executions_scheduled_report_id_scheduled_for_idx"`,
    );
    // Slots whose instant a tz update moved may share one; keep the first of each instant.
    await queryRunner.query(
      `DELETE FROM "report_executions" e USING "report_executions" d
        WHERE e."trigger" = 'schedule' AND d."trigger" = 'schedule'
          AND e.scheduled_report_id = d.scheduled_report_id AND e.scheduled_for = d.scheduled_for
          AND (e.created_at, e.id) > (d.created_at, d.id)`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "report_executions_slot_key" ON "report_executions" ("scheduled_report_id", "scheduled_for") WHERE "trigger" = 'schedule'`,
    );
    await queryRunner.query(`ALTER TABLE "report_executions" DROP COLUMN "config_snapshot"`);
    await queryRunner.query(`ALTER TABLE "report_executions" DROP COLUMN "slot_zone"`);
    await queryRunner.query(`ALTER TABLE "report_executions" DROP COLUMN "slot_fold"`);
    await queryRunner.query(`ALTER TABLE "report_executions" DROP COLUMN "slot_local"`);
    await queryRunner.query(`ALTER TABLE "scheduled_reports" DROP COLUMN "next_slot_fold"`);
    await queryRunner.query(`ALTER TABLE "scheduled_reports" DROP COLUMN "next_slot_local"`);
    await queryRunner.query(`DROP TABLE "tzdata_state"`);
  }
}
