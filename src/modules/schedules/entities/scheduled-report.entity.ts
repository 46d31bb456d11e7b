import {
  Check,
  Column,
  CreateDateColumn,
  DeleteDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
  VersionColumn,
} from 'typeorm';
import { sqlIn } from 'src/database/sql-in';
import {
  OUTPUT_FORMATS,
  OutputFormat,
  PAUSERS,
  Pauser,
  RecipientType,
  SCHEDULE_STATUSES,
  ScheduleStatus,
} from 'src/domain/vocabulary';
import { Organization } from 'src/modules/organizations/entities/organization.entity';
import type { ScheduleConfig } from 'src/modules/schedules/calendar/schedule-config';

export interface Recipient {
  type: RecipientType;
  value: string;
}

export interface DeliveryOptions {
  skip_if_empty?: boolean;
  only_if_changed?: boolean;
  compress?: boolean;
}

@Entity('scheduled_reports')
@Check('scheduled_reports_status_check', sqlIn('status', SCHEDULE_STATUSES))
@Check('scheduled_reports_paused_by_check', sqlIn('paused_by', PAUSERS))
@Check('scheduled_reports_output_format_check', sqlIn('output_format', OUTPUT_FORMATS))
@Index('scheduled_reports_organization_id_created_at_idx', ['organization_id', 'created_at'])
// The schedules event stream's "what changed last" (ScheduleChangesRepository).
@Index('scheduled_reports_organization_id_updated_at_idx', ['organization_id', 'updated_at'])
@Index('scheduled_reports_due_idx', ['next_run_at'], {
  where: `"status" = 'active' AND "deleted_at" IS NULL`,
})
export class ScheduledReport {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid')
  organization_id: string;

  @ManyToOne(() => Organization, { onDelete: 'CASCADE' })
  @JoinColumn({
    name: 'organization_id',
    foreignKeyConstraintName: 'scheduled_reports_organization_id_fkey',
  })
  organization?: Organization;

  /** The creator's user id (`sub`). */
  @Column('text')
  created_by: string;

  @Column('text')
  name: string;

  @Column('text', { nullable: true })
  description: string | null;

  @Column('text')
  report_type: string;

  @Column('jsonb')
  schedule_config: ScheduleConfig;

  @Column('jsonb', { default: () => "'[]'" })
  recipients: Recipient[];

  @Column('jsonb', { default: () => "'{}'" })
  report_parameters: Record<string, unknown>;

  @Column('text')
  output_format: OutputFormat;

  @Column('jsonb', { default: () => "'{}'" })
  delivery_options: DeliveryOptions;

  @Column('text', { default: 'active' })
  status: ScheduleStatus;

  /** Who paused it; null while active. */
  @Column('text', { nullable: true })
  paused_by: Pauser | null;

  /** Why the service paused it; null for a member's pause and while active. */
  @Column('text', { nullable: true })
  paused_reason: string | null;

  @Column('timestamptz', { nullable: true })
  last_run_at: Date | null;

  @Column('timestamptz', { nullable: true })
  next_run_at: Date | null;

  /** The nominal local time of the slot at next_run_at (see SlotKey); null until computed. */
  @Column('text', { nullable: true })
  next_slot_local: string | null;

  @Column('smallint', { nullable: true })
  next_slot_fold: number | null;

  @CreateDateColumn({ type: 'timestamptz' })
  created_at: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updated_at: Date;

  @DeleteDateColumn({ type: 'timestamptz' })
  deleted_at: Date | null;

  /** Optimistic lock: a concurrent edit and a scheduler claim cannot silently overwrite each other. */
  @VersionColumn({ default: 1 })
  version: number;
}
