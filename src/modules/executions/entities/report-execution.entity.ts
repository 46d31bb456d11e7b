import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import { sqlIn } from 'src/database/sql-in';
import {
  EXECUTION_STATUSES,
  EXECUTION_TRIGGERS,
  ExecutionStatus,
  ExecutionTrigger,
} from 'src/domain/vocabulary';
import { Organization } from 'src/modules/organizations/entities/organization.entity';
import { ScheduledReport } from 'src/modules/schedules/entities/scheduled-report.entity';

/** One run of a schedule: for a slot (trigger=schedule) or on demand (trigger=manual). */
@Entity('report_executions')
@Check('report_executions_trigger_check', sqlIn('trigger', EXECUTION_TRIGGERS))
@Check('report_executions_status_check', sqlIn('status', EXECUTION_STATUSES))
// The unique slot key: a second claim of the same (schedule, slot) cannot create a row.
@Index('report_executions_slot_key', ['scheduled_report_id', 'scheduled_for'], {
  unique: true,
  where: `"trigger" = 'schedule'`,
})
// At most one unfinished manual run per schedule: a second run-now returns the first.
@Index('report_executions_one_manual_in_flight_key', ['scheduled_report_id'], {
  unique: true,
  where: `"trigger" = 'manual' AND "status" IN ('pending', 'running')`,
})
@Index('report_executions_scheduled_report_id_created_at_idx', [
  'scheduled_report_id',
  'created_at',
])
@Index('report_executions_organization_id_created_at_idx', ['organization_id', 'created_at'])
@Index('report_executions_pending_idx', ['created_at'], { where: `"status" = 'pending'` })
export class ReportExecution {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid')
  organization_id: string;

  @ManyToOne(() => Organization, { onDelete: 'CASCADE' })
  @JoinColumn({
    name: 'organization_id',
    foreignKeyConstraintName: 'report_executions_organization_id_fkey',
  })
  organization?: Organization;

  @Column('uuid')
  scheduled_report_id: string;

  @ManyToOne(() => ScheduledReport, { onDelete: 'CASCADE' })
  @JoinColumn({
    name: 'scheduled_report_id',
    foreignKeyConstraintName: 'report_executions_scheduled_report_id_fkey',
  })
  scheduled_report?: ScheduledReport;

  @Column('text')
  trigger: ExecutionTrigger;

  /** The slot instant (schedule) or the request instant / `as_of` slot (manual). */
  @Column('timestamptz')
  scheduled_for: Date;

  @Column('text', { default: 'pending' })
  status: ExecutionStatus;

  /** Who asked for a manual run (`sub`), null for the scheduler. */
  @Column('text', { nullable: true })
  requested_by: string | null;

  @Column('timestamptz', { nullable: true })
  started_at: Date | null;

  @Column('timestamptz', { nullable: true })
  completed_at: Date | null;

  @Column('text', { nullable: true })
  error_message: string | null;

  /** Storage key of the generated file. */
  @Column('text', { nullable: true })
  file_key: string | null;

  @Column('bigint', {
    nullable: true,
    transformer: {
      to: (v?: number | null) => v,
      from: (v: string | null) => (v === null ? v : Number(v)),
    },
  })
  file_size: number | null;

  @Column('text', { nullable: true })
  file_checksum: string | null;

  @Column('timestamptz', { nullable: true })
  file_expired_at: Date | null;

  /** Signed links of this run issued at or before this instant answer 410 (revoke-links). */
  @Column('timestamptz', { nullable: true })
  links_revoked_at: Date | null;

  @Column('integer', { nullable: true })
  execution_time_ms: number | null;

  @Column('integer', { default: 0 })
  retry_count: number;

  /**
   * Fences one attempt: set when a worker starts it, required when it finishes, so an
   * attempt that outlived its timeout or lock cannot overwrite the attempt that replaced it.
   */
  @Column('uuid', { nullable: true })
  lease_id: string | null;

  /** The lease's end: its worker renews it while alive; past it, another attempt may take over. */
  @Column('timestamptz', { nullable: true })
  leased_until: Date | null;

  @Column('jsonb', { default: () => "'{}'" })
  metadata: Record<string, unknown>;

  @CreateDateColumn({ type: 'timestamptz' })
  created_at: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updated_at: Date;
}
