import { Inject, Injectable, Logger } from '@nestjs/common';
import { Cron } from '@nestjs/schedule';
import { Clock } from 'src/common/clock';
import { ExecutionsRepository } from 'src/modules/executions/executions.repository';
import { STORAGE_DRIVER, StorageDriver } from 'src/modules/storage/storage-driver';

const BATCH = 500;

/**
 * Deletes report files older than their organization's `retention_days` and marks their
 * executions `file_expired_at`: the history stays, the file goes, downloads answer 410.
 * The file is deleted before the row is marked, so a crash in between only repeats a delete.
 */
@Injectable()
export class RetentionService {
  private readonly logger = new Logger(RetentionService.name);

  constructor(
    private readonly executions: ExecutionsRepository,
    private readonly clock: Clock,
    @Inject(STORAGE_DRIVER) private readonly storage: StorageDriver,
  ) {}

  @Cron('17 3 * * *', { name: 'retention', timeZone: 'UTC' })
  async onSchedule(): Promise<void> {
    try {
      const expired = await this.run();
      if (expired > 0) this.logger.log(`deleted ${expired} file(s) past retention`);
    } catch (error) {
      this.logger.error(`retention run failed: ${(error as Error).message}`);
    }
  }

  async run(): Promise<number> {
    let total = 0;
    for (;;) {
      const now = this.clock.now();
      const batch = await this.executions.findFilesPastRetention(now, BATCH);
      for (const file of batch) {
        await this.storage.delete(file.file_key);
        await this.executions.markFileExpired(file.organization_id, file.id, now);
      }
      total += batch.length;
      if (batch.length < BATCH) return total;
    }
  }
}
