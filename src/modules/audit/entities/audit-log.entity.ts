import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
} from 'typeorm';

/** An append-only record of who did what to which resource. */
@Entity('audit_logs')
@Index('audit_logs_organization_id_created_at_idx', ['organization_id', 'created_at'])
@Index('audit_logs_organization_id_resource_id_idx', ['organization_id', 'resource_id'])
export class AuditLog {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid')
  organization_id: string;

  // By name: audit sits below organizations (which records audit entries) and must not import it.
  @ManyToOne('Organization', { onDelete: 'CASCADE' })
  @JoinColumn({
    name: 'organization_id',
    foreignKeyConstraintName: 'audit_logs_organization_id_fkey',
  })
  organization?: unknown;

  /** User id (`sub`) of the actor, or `system` for the scheduler and workers. */
  @Column('text')
  actor: string;

  @Column('text')
  action: string;

  @Column('text')
  resource_type: string;

  @Column('uuid', { nullable: true })
  resource_id: string | null;

  @Column('jsonb', { default: () => "'{}'" })
  details: Record<string, unknown>;

  @Column('text', { nullable: true })
  request_id: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  created_at: Date;
}
