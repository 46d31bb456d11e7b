import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Members deactivated by an admin (tokens issued before it are refused), the event that takes
 * them off recipient lists and pauses their schedules, and the notice that tells admins when a
 * schedule was paused because its creator or a recipient no longer qualifies.
 */
export class TrackMemberDeactivation1796400000000 implements MigrationInterface {
  name = 'TrackMemberDeactivation1796400000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "members" ADD "deactivated_at" TIMESTAMP WITH TIME ZONE`);
    await queryRunner.query(`ALTER TABLE "notices" DROP CONSTRAINT "notices_kind_check"`);
    await queryRunner.query(
      `ALTER TABLE "notices" ADD CONSTRAINT "notices_kind_check" CHECK ("kind" IN ('execution_failed', 'delivery_failed', 'schedule_paused', 'access_revoked'))`,
    );
    await queryRunner.query(
      `ALTER TABLE "outbox_events" DROP CONSTRAINT "outbox_events_type_check"`,
    );
    await queryRunner.query(
      `ALTER TABLE "outbox_events" ADD CONSTRAINT "outbox_events_type_check" CHECK ("type" IN ('execution.completed', 'execution.failed', 'member.deactivated'))`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    // Refuses while rows of the new kinds exist: their history would break the old constraints.
    await queryRunner.query(
      `ALTER TABLE "outbox_events" DROP CONSTRAINT "outbox_events_type_check"`,
    );
    await queryRunner.query(
      `ALTER TABLE "outbox_events" ADD CONSTRAINT "outbox_events_type_check" CHECK ("type" IN ('execution.completed', 'execution.failed'))`,
    );
    await queryRunner.query(`ALTER TABLE "notices" DROP CONSTRAINT "notices_kind_check"`);
    await queryRunner.query(
      `ALTER TABLE "notices" ADD CONSTRAINT "notices_kind_check" CHECK ("kind" IN ('execution_failed', 'delivery_failed', 'schedule_paused'))`,
    );
    await queryRunner.query(`ALTER TABLE "members" DROP COLUMN "deactivated_at"`);
  }
}
