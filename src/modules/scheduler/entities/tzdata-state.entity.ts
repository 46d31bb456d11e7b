import { Check, Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/**
 * The tz database version the schedules' next_run_at were last computed with (one row). A
 * scheduler with newer tz data recomputes them from their nominal slots and records its version.
 */
@Entity('tzdata_state')
@Check('tzdata_state_one_row_check', `"id" = 1`)
export class TzdataState {
  @PrimaryColumn('smallint', { default: 1, primaryKeyConstraintName: 'tzdata_state_pkey' })
  id: number;

  /** moment-timezone's `tz.dataVersion`, e.g. "2025b". */
  @Column('text')
  version: string;

  @UpdateDateColumn({ type: 'timestamptz' })
  updated_at: Date;
}
