import { Inject, Injectable, Logger } from '@nestjs/common';
import { Cron } from '@nestjs/schedule';
import { Clock } from 'src/common/clock';
import { AppConfigService } from 'src/config/app-config.service';
import { ExecutionsRepository } from 'src/modules/executions/executions.repository';
import { STORAGE_DRIVER, StorageDriver } from 'src/modules/storage/storage-driver';

const BATCH = 500;

export interface SweepResult {
  /** Stored files no execution referenced. */
  removed: number;
  /** Unfinished writes (temp files, multipart uploads). */
  incomplete: number;
}

/**
 * Removes stored files no execution references (a run that failed after writing, an attempt that
 * lost to another, a file whose key changed) and what killed writes left behind. Only what is
 * older than STORAGE_SWEEP_MIN_AGE_MS is touched, so a file written moments before its run commits
 * is never taken; a referenced file is never taken, whatever its age or its run's state.
 */
@Injectable()
export class StorageSweeperService {
  private readonly logger = new Logger(StorageSweeperService.name);

  constructor(
    private readonly executions: ExecutionsRepository,
    private readonly clock: Clock,
    private readonly config: AppConfigService,
    @Inject(STORAGE_DRIVER) private readonly storage: StorageDriver,
  ) {}

  @Cron('41 * * * *', { name: 'storage-sweeper', timeZone: 'UTC' })
  async onSchedule(): Promise<void> {
    try {
      const { removed, incomplete } = await this.sweep();
      if (removed + incomplete > 0) {
        this.logger.log(
          `removed ${removed} unreferenced file(s), ${incomplete} unfinished write(s)`,
        );
      }
    } catch (error) {
      this.logger.error(`storage sweep failed: ${(error as Error).message}`);
    }
  }

  async sweep(): Promise<SweepResult> {
    const before = new Date(
      this.clock.now().getTime() - this.config.values.scheduler.storageSweepMinAgeMs,
    );
    let removed = 0;
    let batch: string[] = [];
    for await (const object of this.storage.list()) {
      if (object.modifiedAt >= before) continue;
      batch.push(object.key);
      if (batch.length === BATCH) {
        removed += await this.removeUnreferenced(batch);
        batch = [];
      }
    }
    removed += await this.removeUnreferenced(batch);
    return { removed, incomplete: await this.storage.removeIncomplete(before) };
  }

  /** Asks the database right before deleting, per batch, so a listing never decides alone. */
  private async removeUnreferenced(keys: string[]): Promise<number> {
    if (keys.length === 0) return 0;
    const referenced = new Set(await this.executions.findReferencedFileKeys(keys));
    const orphans = keys.filter((key) => !referenced.has(key));
    for (const key of orphans) await this.storage.delete(key);
    return orphans.length;
  }
}
