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
import type { RunConfig } from '../run-config';

/** One run of a schedule: for a slot (trigger=schedule) or on demand (trigger=manual). */
@Entity('report_executions')
@Check('report_executions_trigger_check', sqlIn('trigger', EXECUTION_TRIGGERS))
@Check('report_executions_status_check', sqlIn('status', EXECUTION_STATUSES))
// The unique slot key, by nominal local time: a second claim of the same slot cannot create a
// row, and neither can a tz database change that moved the slot's instant.
@Index(
  'report_executions_slot_key',
  ['scheduled_report_id', 'slot_zone', 'slot_local', 'slot_fold'],
  {
    unique: true,
    where: `"trigger" = 'schedule'`,
  },
)
@Index('report_executions_scheduled_report_id_scheduled_for_idx', [
  'scheduled_report_id',
  'scheduled_for',
])
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
// The schedules event stream's "what changed last" (ScheduleChangesRepository).
@Index('report_executions_organization_id_updated_at_idx', ['organization_id', 'updated_at'])
@Index('report_executions_finished_idx', ['organization_id', 'completed_at'], {
  where: `"status" IN ('completed', 'failed')`,
})
@Index('report_executions_created_at_idx', ['created_at'])
@Index('report_executions_stored_files_idx', ['organization_id', 'completed_at'], {
  where: `"file_key" IS NOT NULL AND "file_expired_at" IS NULL AND "status" = 'completed'`,
})
@Index('report_executions_pending_idx', ['created_at'], { where: `"status" = 'pending'` })
@Index('report_executions_file_key_idx', ['file_key'], { where: `"file_key" IS NOT NULL` })
// The dispatcher's scans: what waits for a slot, what holds one, what a new slot overlaps.
@Index('report_executions_undispatched_idx', ['organization_id', 'created_at'], {
  where: `"status" = 'pending' AND "dispatched_at" IS NULL`,
})
@Index('report_executions_in_flight_idx', ['organization_id'], {
  where: `"status" IN ('pending', 'running') AND "dispatched_at" IS NOT NULL`,
})
@Index('report_executions_schedule_in_flight_idx', ['scheduled_report_id'], {
  where: `"trigger" = 'schedule' AND "status" IN ('pending', 'running')`,
})
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

  /** A scheduled run's nominal local time, "2026-03-08T02:30" (null for manual runs). */
  @Column('text', { nullable: true })
  slot_local: string | null;

  /** 1 for the second occurrence of a wall time a DST overlap repeats, else 0. */
  @Column('smallint', { nullable: true })
  slot_fold: number | null;

  /** The time zone `slot_local` is read in. */
  @Column('text', { nullable: true })
  slot_zone: string | null;

  /** What the run needs from its schedule, as it was when the slot was claimed. */
  @Column('jsonb', { nullable: true })
  config_snapshot: RunConfig | null;

  @Column('text', { default: 'pending' })
  status: ExecutionStatus;

  /** Who asked for a manual run (`sub`), null for the scheduler. */
  @Column('text', { nullable: true })
  requested_by: string | null;

  /**
   * When the dispatcher gave the run one of its organization's generation slots and put it on
   * the queue (run-now: at creation). Null while it waits its organization's turn.
   */
  @Column('timestamptz', { nullable: true })
  dispatched_at: Date | null;

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
