import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The audit trail becomes append-only: a trigger refuses UPDATE, DELETE and TRUNCATE of
 * `audit_logs` unless the transaction opened the gate (`SET LOCAL app.audit_gate`), which only
 * AuditRepository's erasure and retention methods do; 'anonymize' lets an UPDATE touch `actor`
 * and `details` only, 'delete' lets rows go (retention, an organization's removal). TRUNCATE is
 * always refused. A trigger binds every role, the superuser the tests connect as included; grants
 * alone would not.
 *
 * Also: keyset indexes (org, filter column, created_at, id) for the cursor-paged listing, and a
 * `dedupe_key` so an event seen by parallel requests (a member's first login) is recorded once.
 * The index builds lock writes to audit_logs while they run; on a large trail, build them first
 * with CREATE INDEX CONCURRENTLY under the same names and this migration keeps them.
 */
export class MakeAuditAppendOnly1796300000000 implements MigrationInterface {
  name = 'MakeAuditAppendOnly1796300000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "audit_logs" ADD COLUMN IF NOT EXISTS "dedupe_key" text`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX IF NOT EXISTS "audit_logs_dedupe_key_key" ON "audit_logs" ("organization_id", "dedupe_key") WHERE "dedupe_key" IS NOT NULL`,
    );
    await queryRunner.query(`DROP INDEX "public"."audit_logs_organization_id_created_at_idx"`);
    await queryRunner.query(`DROP INDEX "public"."audit_logs_organization_id_resource_id_idx"`);
    await queryRunner.query(
      `CREATE INDEX IF NOT EXISTS "audit_logs_org_created_at_id_idx" ON "audit_logs" ("organization_id", "created_at", "id") `,
    );
    await queryRunner.query(
      `CREATE INDEX IF NOT EXISTS "audit_logs_org_actor_created_at_id_idx" ON "audit_logs" ("organization_id", "actor", "created_at", "id") `,
    );
    await queryRunner.query(
      `CREATE INDEX IF NOT EXISTS "audit_logs_org_action_created_at_id_idx" ON "audit_logs" ("organization_id", "action", "created_at", "id") `,
    );
    await queryRunner.query(
      `CREATE INDEX IF NOT EXISTS "audit_logs_org_resource_id_created_at_id_idx" ON "audit_logs" ("organization_id", "resource_id", "created_at", "id") `,
    );
    await queryRunner.query(`
      CREATE FUNCTION audit_logs_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        gate text := coalesce(current_setting('app.audit_gate', true), '');
      BEGIN
        IF TG_OP = 'DELETE' AND gate = 'delete' THEN
          RETURN OLD;
        END IF;
        IF TG_OP = 'UPDATE' AND gate = 'anonymize'
           AND (NEW.id, NEW.organization_id, NEW.action, NEW.resource_type, NEW.resource_id,
                NEW.request_id, NEW.created_at, NEW.dedupe_key)
               IS NOT DISTINCT FROM
               (OLD.id, OLD.organization_id, OLD.action, OLD.resource_type, OLD.resource_id,
                OLD.request_id, OLD.created_at, OLD.dedupe_key) THEN
          RETURN NEW;
        END IF;
        RAISE EXCEPTION 'audit_logs is append-only: % refused', TG_OP
          USING ERRCODE = 'insufficient_privilege',
                HINT = 'retention and erasure go through AuditRepository (app.audit_gate)';
      END
      $$`);
    await queryRunner.query(
      `CREATE TRIGGER audit_logs_append_only_rows BEFORE UPDATE OR DELETE ON "audit_logs" FOR EACH ROW EXECUTE FUNCTION audit_logs_append_only()`,
    );
    await queryRunner.query(
      `CREATE TRIGGER audit_logs_no_truncate BEFORE TRUNCATE ON "audit_logs" FOR EACH STATEMENT EXECUTE FUNCTION audit_logs_append_only()`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER audit_logs_no_truncate ON "audit_logs"`);
    await queryRunner.query(`DROP TRIGGER audit_logs_append_only_rows ON "audit_logs"`);
    await queryRunner.query(`DROP FUNCTION audit_logs_append_only()`);
    await queryRunner.query(`DROP INDEX "public"."audit_logs_org_resource_id_created_at_id_idx"`);
    await queryRunner.query(`DROP INDEX "public"."audit_logs_org_action_created_at_id_idx"`);
    await queryRunner.query(`DROP INDEX "public"."audit_logs_org_actor_created_at_id_idx"`);
    await queryRunner.query(`DROP INDEX "public"."audit_logs_org_created_at_id_idx"`);
    await queryRunner.query(
      `CREATE INDEX "audit_logs_organization_id_resource_id_idx" ON "audit_logs" ("organization_id", "resource_id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "audit_logs_organization_id_created_at_idx" ON "audit_logs" ("organization_id", "created_at") `,
    );
    await queryRunner.query(`DROP INDEX "public"."audit_logs_dedupe_key_key"`);
    await queryRunner.query(`ALTER TABLE "audit_logs" DROP COLUMN "dedupe_key"`);
  }
}
