import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  Unique,
  UpdateDateColumn,
} from 'typeorm';
import { sqlIn } from 'src/database/sql-in';
import {
  DELIVERY_STATUSES,
  DeliveryStatus,
  RECIPIENT_TYPES,
  RecipientType,
} from 'src/domain/vocabulary';
import { Organization } from 'src/modules/organizations/entities/organization.entity';
import { ReportExecution } from 'src/modules/executions/entities/report-execution.entity';

/** One recipient's copy of one execution; its own status, attempts and retries. */
@Entity('report_deliveries')
@Unique('report_deliveries_recipient_key', [
  'report_execution_id',
  'recipient_type',
  'recipient_value',
])
@Check('report_deliveries_status_check', sqlIn('status', DELIVERY_STATUSES))
@Check('report_deliveries_recipient_type_check', sqlIn('recipient_type', RECIPIENT_TYPES))
@Index('report_deliveries_organization_id_idx', ['organization_id'])
// The schedules event stream's "what changed last" (ScheduleChangesRepository).
@Index('report_deliveries_organization_id_updated_at_idx', ['organization_id', 'updated_at'])
// The reconciler's scan: pending deliveries whose job may have been lost.
@Index('report_deliveries_created_at_idx', ['created_at'])
@Index('report_deliveries_pending_idx', ['updated_at'], { where: `"status" = 'pending'` })
export class ReportDelivery {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid')
  organization_id: string;

  @ManyToOne(() => Organization, { onDelete: 'CASCADE' })
  @JoinColumn({
    name: 'organization_id',
    foreignKeyConstraintName: 'report_deliveries_organization_id_fkey',
  })
  organization?: Organization;

  @Column('uuid')
  report_execution_id: string;

  @ManyToOne(() => ReportExecution, { onDelete: 'CASCADE' })
  @JoinColumn({
    name: 'report_execution_id',
    foreignKeyConstraintName: 'report_deliveries_report_execution_id_fkey',
  })
  report_execution?: ReportExecution;

  @Column('text')
  recipient_type: RecipientType;

  @Column('text')
  recipient_value: string;

  @Column('text', { default: 'pending' })
  status: DeliveryStatus;

  @Column('integer', { default: 0 })
  attempts: number;

  @Column('timestamptz', { nullable: true })
  delivered_at: Date | null;

  @Column('text', { nullable: true })
  error_message: string | null;

  @Column('jsonb', { default: () => "'{}'" })
  metadata: Record<string, unknown>;

  /** Fences attempts: only the holder of the current lease may record the outcome. */
  @Column('uuid', { nullable: true })
  lease_id: string | null;

  /** A running attempt holds the delivery until then; a crashed one's lease simply runs out. */
  @Column('timestamptz', { nullable: true })
  leased_until: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  created_at: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updated_at: Date;
}
