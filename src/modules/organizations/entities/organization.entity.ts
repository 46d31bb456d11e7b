import { Check, Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { sqlIn } from 'src/database/sql-in';
import { OVERLAP_POLICIES, OverlapPolicy } from 'src/domain/vocabulary';

/** A tenant. Its settings live here as typed columns, with defaults in the schema. */
@Entity('organizations')
@Check('organizations_max_active_schedules_check', '"max_active_schedules" >= 0')
@Check('organizations_max_recipients_check', '"max_recipients" BETWEEN 1 AND 500')
@Check('organizations_run_now_per_hour_check', '"run_now_per_hour" >= 0')
@Check('organizations_retention_days_check', '"retention_days" BETWEEN 1 AND 3650')
@Check('organizations_attachment_limit_bytes_check', '"attachment_limit_bytes" >= 0')
@Check('organizations_link_ttl_hours_check', '"link_ttl_hours" BETWEEN 1 AND 720')
@Check('organizations_email_budget_per_day_check', '"email_budget_per_day" >= 0')
@Check(
  'organizations_history_days_check',
  '"history_days" BETWEEN 7 AND 3650 AND "history_days" >= "retention_days"',
)
@Check('organizations_audit_retention_days_check', '"audit_retention_days" BETWEEN 30 AND 3650')
@Check(
  'organizations_max_concurrent_generations_check',
  '"max_concurrent_generations" BETWEEN 1 AND 100',
)
@Check('organizations_overlap_policy_check', sqlIn('overlap_policy', OVERLAP_POLICIES))
export class Organization {
  @PrimaryColumn('uuid')
  id: string;

  @Column('text')
  name: string;

  @Column('text', { array: true, default: () => "'{}'" })
  allowed_email_domains: string[];

  @Column('integer', { default: 100 })
  max_active_schedules: number;

  @Column('integer', { default: 50 })
  max_recipients: number;

  @Column('integer', { default: 20 })
  run_now_per_hour: number;

  @Column('integer', { default: 90 })
  retention_days: number;

  /** Days a finished run (with its deliveries and notices) stays in the history; ≥ retention_days. */
  @Column('integer', { default: 400 })
  history_days: number;

  /** Days an audit entry is kept; separate from the history, usually longer. */
  @Column('integer', { default: 2555 })
  audit_retention_days: number;

  /** Scheduled generations of this organization dispatched (queued or running) at once. */
  @Column('integer', { default: 2 })
  max_concurrent_generations: number;

  /** What a slot does while the schedule's previous run is still pending or running. */
  @Column('text', { default: 'queue' })
  overlap_policy: OverlapPolicy;

  @Column('bigint', {
    default: 10485760,
    transformer: {
      to: (v?: number) => v,
      from: (v: string | null) => (v === null ? v : Number(v)),
    },
  })
  attachment_limit_bytes: number;

  @Column('integer', { default: 72 })
  link_ttl_hours: number;

  /** Report emails the organization may send per UTC day (0: none). */
  @Column('integer', { default: 10000 })
  email_budget_per_day: number;

  @Column('text', { nullable: true })
  brand_name: string | null;

  /** Slack bot token, sealed with the key ring (its key id kept with it); never returned. */
  @Column('text', { nullable: true })
  slack_bot_token_encrypted: string | null;

  @Column('text', { nullable: true })
  webhook_secret: string | null;

  @Column('text', { nullable: true })
  webhook_secret_previous: string | null;

  @Column('timestamptz', { nullable: true })
  webhook_secret_rotated_at: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  created_at: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updated_at: Date;
}
