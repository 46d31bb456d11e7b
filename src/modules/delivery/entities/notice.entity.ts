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
import { NOTICE_KINDS, NOTICE_STATUSES, NoticeKind, NoticeStatus } from 'src/domain/vocabulary';
import { Organization } from 'src/modules/organizations/entities/organization.entity';

/**
 * An email to a schedule's creator about a failure. Unique per kind and subject (the failed
 * execution), so however often a failure is reported, its creator hears about it once.
 */
@Entity('notices')
@Unique('notices_kind_subject_key', ['kind', 'subject_id'])
@Check('notices_kind_check', sqlIn('kind', NOTICE_KINDS))
@Check('notices_status_check', sqlIn('status', NOTICE_STATUSES))
@Index('notices_organization_id_idx', ['organization_id'])
@Index('notices_organization_id_created_at_idx', ['organization_id', 'created_at'])
@Index('notices_kind_created_at_idx', ['kind', 'created_at'])
@Index('notices_pending_idx', ['updated_at'], { where: `"status" = 'pending'` })
export class Notice {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid')
  organization_id: string;

  @ManyToOne(() => Organization, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'organization_id', foreignKeyConstraintName: 'notices_organization_id_fkey' })
  organization?: Organization;

  @Column('text')
  kind: NoticeKind;

  /** The execution the notice is about. */
  @Column('uuid')
  subject_id: string;

  @Column('uuid')
  scheduled_report_id: string;

  @Column('text', { default: 'pending' })
  status: NoticeStatus;

  @Column('integer', { default: 0 })
  attempts: number;

  /** Attempts that ended without an outcome (their worker died); a few and the notice fails. */
  @Column('integer', { default: 0 })
  lost_attempts: number;

  @Column('timestamptz', { nullable: true })
  sent_at: Date | null;

  @Column('text', { nullable: true })
  error_message: string | null;

  @Column('jsonb', { default: () => "'{}'" })
  details: Record<string, unknown>;

  /** Fences attempts as on deliveries: only the holder of the current lease sends or records. */
  @Column('uuid', { nullable: true })
  lease_id: string | null;

  @Column('timestamptz', { nullable: true })
  leased_until: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  created_at: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updated_at: Date;
}
