import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
} from 'typeorm';

/**
 * An append-only record of who did what to which resource. A trigger refuses UPDATE, DELETE and
 * TRUNCATE outside AuditRepository's gated erasure and retention methods (docs/security/audit.md).
 */
@Entity('audit_logs')
// Keyset pages, newest first: (org, [filter column,] created_at, id) scanned backwards.
@Index('audit_logs_org_created_at_id_idx', ['organization_id', 'created_at', 'id'])
@Index('audit_logs_org_actor_created_at_id_idx', ['organization_id', 'actor', 'created_at', 'id'])
@Index('audit_logs_org_action_created_at_id_idx', ['organization_id', 'action', 'created_at', 'id'])
@Index('audit_logs_org_resource_id_created_at_id_idx', [
  'organization_id',
  'resource_id',
  'created_at',
  'id',
])
@Index('audit_logs_dedupe_key_key', ['organization_id', 'dedupe_key'], {
  unique: true,
  where: '"dedupe_key" IS NOT NULL',
})
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

  /** The server-generated id of the HTTP request, when there was one. */
  @Column('text', { nullable: true })
  request_id: string | null;

  /** Set for an event that must be recorded once however many requests observe it. */
  @Column('text', { nullable: true })
  dedupe_key: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  created_at: Date;
}
