import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, FindOptionsWhere, ILike, IsNull } from 'typeorm';
import type { Clock } from 'src/common/clock';
import { databaseNow } from 'src/database/database-now';
import { ScheduleStatus } from 'src/domain/vocabulary';
import { escapeLike } from 'src/modules/organizations/members.repository';
import { ScheduledReport } from './entities/scheduled-report.entity';

export interface ScheduleFilter {
  status?: ScheduleStatus;
  reportType?: string;
  q?: string;
}

export type NewSchedule = Omit<
  ScheduledReport,
  'id' | 'organization_id' | 'created_at' | 'updated_at' | 'deleted_at' | 'version' | 'organization'
>;

/** The only code that reads or writes `scheduled_reports`; every method is scoped by org id. */
@Injectable()
export class SchedulesRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private repo(manager: EntityManager = this.dataSource.manager) {
    return manager.getRepository(ScheduledReport);
  }

  findOne(orgId: string, id: string, options: { withDeleted?: boolean } = {}) {
    return this.repo().findOne({
      where: { id, organization_id: orgId },
      withDeleted: options.withDeleted ?? false,
    });
  }

  async list(orgId: string, filter: ScheduleFilter, page: number, limit: number) {
    const where: FindOptionsWhere<ScheduledReport> = {
      organization_id: orgId,
      deleted_at: IsNull(),
    };
    if (filter.status) where.status = filter.status;
    if (filter.reportType) where.report_type = filter.reportType;
    if (filter.q) where.name = ILike(`%${escapeLike(filter.q)}%`);
    const [rows, total] = await this.repo().findAndCount({
      where,
      order: { created_at: 'DESC', id: 'DESC' },
      skip: (page - 1) * limit,
      take: limit,
    });
    return { rows, total };
  }

  /** What "now" is for due slots: the database's clock, the one the scheduler claims by. */
  databaseNow(clock: Clock): Promise<Date> {
    return databaseNow(this.dataSource.manager, clock);
  }

  /**
   * Runs `work` holding the organization's schedule lock, so quota checks and the write
   * that depends on them cannot interleave with another request of the same org.
   */
  withOrgLock<T>(orgId: string, work: (tx: SchedulesTx) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(async (manager) => {
      await manager.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [
        `schedules:${orgId}`,
      ]);
      return work(new SchedulesTx(manager, orgId));
    });
  }
}

/** Schedule writes inside one organization's locked transaction. */
export class SchedulesTx {
  constructor(
    /** The transaction itself, for the audit entry that must commit with the change. */
    readonly manager: EntityManager,
    private readonly orgId: string,
  ) {}

  private get repo() {
    return this.manager.getRepository(ScheduledReport);
  }

  countActive(): Promise<number> {
    return this.repo.count({
      where: { organization_id: this.orgId, status: 'active', deleted_at: IsNull() },
    });
  }

  async insert(values: NewSchedule): Promise<ScheduledReport> {
    const entity = this.repo.create({ ...values, organization_id: this.orgId });
    return this.repo.save(entity);
  }

  /** Writes `changes` if the row still has `version`; false when someone else changed it first. */
  async update(id: string, version: number, changes: Partial<NewSchedule>): Promise<boolean> {
    const result = await this.repo
      .createQueryBuilder()
      .update()
      .set(changes as Record<string, unknown>)
      .where(
        'id = :id AND organization_id = :orgId AND version = :version AND deleted_at IS NULL',
        {
          id,
          orgId: this.orgId,
          version,
        },
      )
      .execute();
    return (result.affected ?? 0) === 1;
  }

  async softDelete(id: string): Promise<boolean> {
    const result = await this.repo.softDelete({
      id,
      organization_id: this.orgId,
      deleted_at: IsNull(),
    });
    return (result.affected ?? 0) === 1;
  }

  findOne(id: string) {
    return this.repo.findOne({ where: { id, organization_id: this.orgId } });
  }
}
