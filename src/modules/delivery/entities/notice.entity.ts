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
import { Organization } from 'src/modules/organizations/entities/organization.entity';

export type NoticeKind = 'execution_failed' | 'delivery_failed' | 'schedule_paused';
export type NoticeStatus = 'pending' | 'sent' | 'failed' | 'skipped';

/**
 * An email to a schedule's creator about a failure. Unique per kind and subject (the failed
 * execution), so however often a failure is reported, its creator hears about it once.
 */
@Entity('notices')
@Unique('notices_kind_subject_key', ['kind', 'subject_id'])
@Check('notices_kind_check', `"kind" IN ('execution_failed', 'delivery_failed', 'schedule_paused')`)
@Check('notices_status_check', `"status" IN ('pending', 'sent', 'failed', 'skipped')`)
@Index('notices_organization_id_idx', ['organization_id'])
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

  @Column('timestamptz', { nullable: true })
  sent_at: Date | null;

  @Column('text', { nullable: true })
  error_message: string | null;

  @Column('jsonb', { default: () => "'{}'" })
  details: Record<string, unknown>;

  @CreateDateColumn({ type: 'timestamptz' })
  created_at: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updated_at: Date;
}
