import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateCoreTables1795900000000 implements MigrationInterface {
  name = 'CreateCoreTables1795900000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "organizations" ("id" uuid NOT NULL, "name" text NOT NULL, "allowed_email_domains" text array NOT NULL DEFAULT '{}', "max_active_schedules" integer NOT NULL DEFAULT '100', "max_recipients" integer NOT NULL DEFAULT '50', "run_now_per_hour" integer NOT NULL DEFAULT '20', "retention_days" integer NOT NULL DEFAULT '90', "attachment_limit_bytes" bigint NOT NULL DEFAULT '10485760', "link_ttl_hours" integer NOT NULL DEFAULT '72', "brand_name" text, "slack_bot_token_encrypted" text, "webhook_secret" text, "webhook_secret_previous" text, "webhook_secret_rotated_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "organizations_link_ttl_hours_check" CHECK ("link_ttl_hours" BETWEEN 1 AND 720), CONSTRAINT "organizations_attachment_limit_bytes_check" CHECK ("attachment_limit_bytes" >= 0), CONSTRAINT "organizations_retention_days_check" CHECK ("retention_days" BETWEEN 1 AND 3650), CONSTRAINT "organizations_run_now_per_hour_check" CHECK ("run_now_per_hour" >= 0), CONSTRAINT "organizations_max_recipients_check" CHECK ("max_recipients" BETWEEN 1 AND 500), CONSTRAINT "organizations_max_active_schedules_check" CHECK ("max_active_schedules" >= 0), CONSTRAINT "PK_6b031fcd0863e3f6b44230163f9" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "audit_logs" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "organization_id" uuid NOT NULL, "actor" text NOT NULL, "action" text NOT NULL, "resource_type" text NOT NULL, "resource_id" uuid, "details" jsonb NOT NULL DEFAULT '{}', "request_id" text, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_1bb179d048bbc581caa3b013439" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "audit_logs_organization_id_resource_id_idx" ON "audit_logs" ("organization_id", "resource_id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "audit_logs_organization_id_created_at_idx" ON "audit_logs" ("organization_id", "created_at") `,
    );
    await queryRunner.query(
      `CREATE TABLE "scheduled_reports" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "organization_id" uuid NOT NULL, "created_by" text NOT NULL, "name" text NOT NULL, "description" text, "report_type" text NOT NULL, "schedule_config" jsonb NOT NULL, "recipients" jsonb NOT NULL DEFAULT '[]', "report_parameters" jsonb NOT NULL DEFAULT '{}', "output_format" text NOT NULL, "delivery_options" jsonb NOT NULL DEFAULT '{}', "status" text NOT NULL DEFAULT 'active', "last_run_at" TIMESTAMP WITH TIME ZONE, "next_run_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "deleted_at" TIMESTAMP WITH TIME ZONE, "version" integer NOT NULL DEFAULT '1', CONSTRAINT "scheduled_reports_output_format_check" CHECK ("output_format" IN ('csv', 'xlsx', 'pdf')), CONSTRAINT "scheduled_reports_status_check" CHECK ("status" IN ('active', 'paused')), CONSTRAINT "PK_4e9443d4280f94e84c7349300a6" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "scheduled_reports_due_idx" ON "scheduled_reports" ("next_run_at") WHERE "status" = 'active' AND "deleted_at" IS NULL`,
    );
    await queryRunner.query(
      `CREATE INDEX "scheduled_reports_organization_id_created_at_idx" ON "scheduled_reports" ("organization_id", "created_at") `,
    );
    await queryRunner.query(
      `CREATE TABLE "report_executions" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "organization_id" uuid NOT NULL, "scheduled_report_id" uuid NOT NULL, "trigger" text NOT NULL, "scheduled_for" TIMESTAMP WITH TIME ZONE NOT NULL, "status" text NOT NULL DEFAULT 'pending', "requested_by" text, "started_at" TIMESTAMP WITH TIME ZONE, "completed_at" TIMESTAMP WITH TIME ZONE, "error_message" text, "file_key" text, "file_size" bigint, "file_checksum" text, "file_expired_at" TIMESTAMP WITH TIME ZONE, "execution_time_ms" integer, "retry_count" integer NOT NULL DEFAULT '0', "lease_id" uuid, "metadata" jsonb NOT NULL DEFAULT '{}', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "report_executions_status_check" CHECK ("status" IN ('pending', 'running', 'completed', 'failed')), CONSTRAINT "report_executions_trigger_check" CHECK ("trigger" IN ('schedule', 'manual')), CONSTRAINT "PK_b15c410814ef00f0d69cebb2c29" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "report_executions_pending_idx" ON "report_executions" ("created_at") WHERE "status" = 'pending'`,
    );
    await queryRunner.query(
      `CREATE INDEX "report_executions_organization_id_created_at_idx" ON "report_executions" ("organization_id", "created_at") `,
    );
    await queryRunner.query(
      `CREATE INDEX "report_executions_scheduled_report_id_created_at_idx" ON "report_executions" ("scheduled_report_id", "created_at") `,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "report_executions_one_manual_in_flight_key" ON "report_executions" ("scheduled_report_id") WHERE "trigger" = 'manual' AND "status" IN ('pending', 'running')`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "report_executions_slot_key" ON "report_executions" ("scheduled_report_id", "scheduled_for") WHERE "trigger" = 'schedule'`,
    );
    await queryRunner.query(
      `CREATE TABLE "report_deliveries" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "organization_id" uuid NOT NULL, "report_execution_id" uuid NOT NULL, "recipient_type" text NOT NULL, "recipient_value" text NOT NULL, "status" text NOT NULL DEFAULT 'pending', "attempts" integer NOT NULL DEFAULT '0', "delivered_at" TIMESTAMP WITH TIME ZONE, "error_message" text, "metadata" jsonb NOT NULL DEFAULT '{}', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "report_deliveries_recipient_key" UNIQUE ("report_execution_id", "recipient_type", "recipient_value"), CONSTRAINT "report_deliveries_recipient_type_check" CHECK ("recipient_type" IN ('email', 'user_id', 'slack_channel', 'webhook')), CONSTRAINT "report_deliveries_status_check" CHECK ("status" IN ('pending', 'sent', 'failed', 'bounced', 'skipped')), CONSTRAINT "PK_a1ae81137e17c6c6379c70982d2" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "report_deliveries_organization_id_idx" ON "report_deliveries" ("organization_id") `,
    );
    await queryRunner.query(
      `CREATE TABLE "members" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "organization_id" uuid NOT NULL, "user_id" text NOT NULL, "email" text, "name" text, "roles" text array NOT NULL DEFAULT '{}', "permissions" text array NOT NULL DEFAULT '{}', "is_active" boolean NOT NULL DEFAULT true, "last_seen_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "members_organization_id_user_id_key" UNIQUE ("organization_id", "user_id"), CONSTRAINT "PK_28b53062261b996d9c99fa12404" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "members_organization_id_email_idx" ON "members" ("organization_id", "email") `,
    );
    await queryRunner.query(
      `ALTER TABLE "audit_logs" ADD CONSTRAINT "audit_logs_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "scheduled_reports" ADD CONSTRAINT "scheduled_reports_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "report_executions" ADD CONSTRAINT "report_executions_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "report_executions" ADD CONSTRAINT "report_executions_scheduled_report_id_fkey" FOREIGN KEY ("scheduled_report_id") REFERENCES "scheduled_reports"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "report_deliveries" ADD CONSTRAINT "report_deliveries_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "report_deliveries" ADD CONSTRAINT "report_deliveries_report_execution_id_fkey" FOREIGN KEY ("report_execution_id") REFERENCES "report_executions"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "members" ADD CONSTRAINT "members_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "members" DROP CONSTRAINT "members_organization_id_fkey"`);
    await queryRunner.query(
      `ALTER TABLE "report_deliveries" DROP CONSTRAINT "report_deliveries_report_execution_id_fkey"`,
    );
    await queryRunner.query(
      `ALTER TABLE "report_deliveries" DROP CONSTRAINT "report_deliveries_organization_id_fkey"`,
    );
    await queryRunner.query(
      `ALTER TABLE "report_executions" DROP CONSTRAINT "report_executions_scheduled_report_id_fkey"`,
    );
    await queryRunner.query(
      `ALTER TABLE "report_executions" DROP CONSTRAINT "report_executions_organization_id_fkey"`,
    );
    await queryRunner.query(
      `ALTER TABLE "scheduled_reports" DROP CONSTRAINT "scheduled_reports_organization_id_fkey"`,
    );
    await queryRunner.query(
      `ALTER TABLE "audit_logs" DROP CONSTRAINT "audit_logs_organization_id_fkey"`,
    );
    await queryRunner.query(`DROP INDEX "public"."members_organization_id_email_idx"`);
    await queryRunner.query(`DROP TABLE "members"`);
    await queryRunner.query(`DROP INDEX "public"."report_deliveries_organization_id_idx"`);
    await queryRunner.query(`DROP TABLE "report_deliveries"`);
    await queryRunner.query(`DROP INDEX "public"."report_executions_slot_key"`);
    await queryRunner.query(`DROP INDEX "public"."report_executions_one_manual_in_flight_key"`);
    await queryRunner.query(
      `DROP INDEX "public"."report_executions_scheduled_report_id_created_at_idx"`,
    );
    await queryRunner.query(
      `DROP INDEX "public"."report_executions_organization_id_created_at_idx"`,
    );
    await queryRunner.query(`DROP INDEX "public"."report_executions_pending_idx"`);
    await queryRunner.query(`DROP TABLE "report_executions"`);
    await queryRunner.query(
      `DROP INDEX "public"."scheduled_reports_organization_id_created_at_idx"`,
    );
    await queryRunner.query(`DROP INDEX "public"."scheduled_reports_due_idx"`);
    await queryRunner.query(`DROP TABLE "scheduled_reports"`);
    await queryRunner.query(`DROP INDEX "public"."audit_logs_organization_id_created_at_idx"`);
    await queryRunner.query(`DROP INDEX "public"."audit_logs_organization_id_resource_id_idx"`);
    await queryRunner.query(`DROP TABLE "audit_logs"`);
    await queryRunner.query(`DROP TABLE "organizations"`);
  }
}
