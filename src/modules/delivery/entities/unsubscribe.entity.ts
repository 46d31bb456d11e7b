import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  Unique,
} from 'typeorm';
import { Organization } from 'src/modules/organizations/entities/organization.entity';
import { ScheduledReport } from 'src/modules/schedules/entities/scheduled-report.entity';

/** One recipient opted out of one schedule; later deliveries to it are skipped. */
@Entity('unsubscribes')
@Unique('unsubscribes_recipient_key', ['scheduled_report_id', 'recipient_type', 'recipient_value'])
@Index('unsubscribes_organization_id_idx', ['organization_id'])
export class Unsubscribe {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid')
  organization_id: string;

  @ManyToOne(() => Organization, { onDelete: 'CASCADE' })
  @JoinColumn({
    name: 'organization_id',
    foreignKeyConstraintName: 'unsubscribes_organization_id_fkey',
  })
  organization?: Organization;

  @Column('uuid')
  scheduled_report_id: string;

  @ManyToOne(() => ScheduledReport, { onDelete: 'CASCADE' })
  @JoinColumn({
    name: 'scheduled_report_id',
    foreignKeyConstraintName: 'unsubscribes_scheduled_report_id_fkey',
  })
  scheduled_report?: ScheduledReport;

  @Column('text')
  recipient_type: string;

  @Column('text')
  recipient_value: string;

  @CreateDateColumn({ type: 'timestamptz' })
  created_at: Date;
}
