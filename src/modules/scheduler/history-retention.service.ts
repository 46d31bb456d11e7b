import { Inject, Injectable, Logger } from '@nestjs/common';
import { Cron } from '@nestjs/schedule';
import { Clock } from 'src/common/clock';
import { AuditRepository } from 'src/modules/audit/audit.repository';
import { NoticesRepository } from 'src/modules/delivery/notices/notices.repository';
import { ExecutionsRepository } from 'src/modules/executions/executions.repository';
import { OutboxRepository } from 'src/modules/outbox/outbox.repository';
import { STORAGE_DRIVER, StorageDriver } from 'src/modules/storage/storage-driver';

const BATCH = 1000;
const DAY_MS = 24 * 3600 * 1000;
/** Dispatched domain events are kept this long for inquiries, then go: their effects are rows. */
export const OUTBOX_KEEP_DAYS = 7;

export interface HistoryPurge {
  runs: number;
  notices: number;
  outboxEvents: number;
  auditEntries: number;
}

/**
 * Keeps the tables from growing forever: finished runs (with their deliveries) and notices past
 * the organization's `history_days`, dispatched outbox events past a week, and audit entries past
 * `audit_retention_days` (the audit trail has its own, usually longer, retention). Everything
 * goes in short batches, so no long lock or transaction; safe in several processes at once.
 */
@Injectable()
export class HistoryRetentionService {
  private readonly logger = new Logger(HistoryRetentionService.name);

  constructor(
    private readonly executions: ExecutionsRepository,
    private readonly notices: NoticesRepository,
    private readonly outbox: OutboxRepository,
    private readonly audit: AuditRepository,
    private readonly clock: Clock,
    @Inject(STORAGE_DRIVER) private readonly storage: StorageDriver,
  ) {}

  @Cron('47 3 * * *', { name: 'history-retention', timeZone: 'UTC' })
  async onSchedule(): Promise<void> {
    try {
      const purged = await this.run();
      if (Object.values(purged).some((n) => n > 0)) {
        this.logger.log(`history retention: ${JSON.stringify(purged)}`);
      }
    } catch (error) {
      this.logger.error(`history retention failed: ${(error as Error).message}`);
    }
  }

  async run(): Promise<HistoryPurge> {
    const now = this.clock.now();
    return {
      runs: await this.purgeRuns(now),
      notices: await drain(() => this.notices.deletePastHistory(now, BATCH)),
      outboxEvents: await drain(() =>
        this.outbox.deleteDispatchedBefore(
          new Date(now.getTime() - OUTBOX_KEEP_DAYS * DAY_MS),
          BATCH,
        ),
      ),
      auditEntries: await this.purgeAudit(now),
    };
  }

  /** A run whose file is somehow still stored loses the file first: never a file without a row. */
  private purgeRuns(now: Date): Promise<number> {
    return drain(async () => {
      const runs = await this.executions.findRunsPastHistory(now, BATCH);
      for (const run of runs) if (run.file_key) await this.storage.delete(run.file_key);
      await this.executions.deleteFinished(runs.map((run) => run.id));
      return runs.length;
    });
  }

  private async purgeAudit(now: Date): Promise<number> {
    let total = 0;
    for (const { organization_id: orgId, before } of await this.audit.findPastRetention(now)) {
      const removed = await drain(() => this.audit.deleteOlderThan(orgId, before, BATCH));
      // The trail says it was shortened, and up to when: a gap is never silent.
      await this.audit.insert(orgId, {
        actor: 'system',
        action: 'audit.entries_expired',
        resourceType: 'organization',
        resourceId: orgId,
        details: { count: removed, before: new Date(before).toISOString() },
      });
      total += removed;
    }
    return total;
  }
}

/** Runs `batch` until it handles fewer than a full batch; the total handled. */
async function drain(batch: () => Promise<number>): Promise<number> {
  let total = 0;
  for (;;) {
    const handled = await batch();
    total += handled;
    if (handled < BATCH) return total;
  }
}
