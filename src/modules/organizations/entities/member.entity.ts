import {
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
import { Organization } from './organization.entity';

/** A user of an organization, provisioned just in time from JWT claims. */
@Entity('members')
@Unique('members_organization_id_user_id_key', ['organization_id', 'user_id'])
@Index('members_organization_id_email_idx', ['organization_id', 'email'])
export class Member {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid')
  organization_id: string;

  @ManyToOne(() => Organization, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'organization_id', foreignKeyConstraintName: 'members_organization_id_fkey' })
  organization?: Organization;

  /** The token's `sub`. */
  @Column('text')
  user_id: string;

  @Column('text', { nullable: true })
  email: string | null;

  @Column('text', { nullable: true })
  name: string | null;

  @Column('text', { array: true, default: () => "'{}'" })
  roles: string[];

  @Column('text', { array: true, default: () => "'{}'" })
  permissions: string[];

  @Column('boolean', { default: true })
  is_active: boolean;

  /** When an admin deactivated the member: tokens issued before it are refused. */
  @Column('timestamptz', { nullable: true })
  deactivated_at: Date | null;

  @Column('timestamptz', { default: () => 'now()' })
  last_seen_at: Date;

  @CreateDateColumn({ type: 'timestamptz' })
  created_at: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updated_at: Date;
}
