import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
} from 'typeorm';
import { sqlIn } from 'src/database/sql-in';
import { DOMAIN_EVENT_TYPES, DomainEventType } from 'src/domain/vocabulary';

/**
 * A domain event, written in the same transaction as the change it reports (the outbox), so a
 * subscriber can never miss it: dispatched after commit, or by the relay if that process died.
 */
@Entity('outbox_events')
@Check('outbox_events_type_check', sqlIn('type', DOMAIN_EVENT_TYPES))
@Index('outbox_events_organization_id_idx', ['organization_id'])
// The relay's scan: events not dispatched yet.
@Index('outbox_events_dispatched_idx', ['dispatched_at'], { where: '"dispatched_at" IS NOT NULL' })
@Index('outbox_events_undispatched_idx', ['created_at'], { where: '"dispatched_at" IS NULL' })
export class OutboxEvent {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid')
  organization_id: string;

  // By name: the outbox sits below organizations and must not import it.
  @ManyToOne('Organization', { onDelete: 'CASCADE' })
  @JoinColumn({
    name: 'organization_id',
    foreignKeyConstraintName: 'outbox_events_organization_id_fkey',
  })
  organization?: unknown;

  @Column('text')
  type: DomainEventType;

  /** The row the event is about (an execution). */
  @Column('uuid')
  subject_id: string;

  @Column('jsonb', { default: () => "'{}'" })
  payload: Record<string, unknown>;

  /** Dispatch attempts so far. */
  @Column('integer', { default: 0 })
  attempts: number;

  /** A dispatcher holds the event until then; after a failed attempt, the earliest retry. */
  @Column('timestamptz', { nullable: true })
  leased_until: Date | null;

  @Column('text', { nullable: true })
  last_error: string | null;

  /** Every subscriber handled it. */
  @Column('timestamptz', { nullable: true })
  dispatched_at: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  created_at: Date;
}
