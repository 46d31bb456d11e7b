import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { DataSource } from 'typeorm';
import { TEST_STORAGE_DIR } from 'test/utils/test-env';

/** What the peers (the table, the event outbox, the disk) hold about one schedule's runs. */
export interface GenerationLedger {
  executions: { id: string; status: string; retry_count: number; file_key: string | null }[];
  completedEvents: number;
  /** SHA-256 and size of the completed run's file as stored, with what its row recorded. */
  file: { sha256: string; size: number; checksum: string; recordedSize: number } | null;
  /** Every file and temp file on disk that belongs to one of these executions. */
  onDisk: string[];
}

export async function generationLedger(
  db: DataSource,
  scheduleId: string,
  storageDir = TEST_STORAGE_DIR,
): Promise<GenerationLedger> {
  const executions = await db.query(
    `SELECT id, status, retry_count, file_key, file_checksum, file_size
       FROM report_executions WHERE scheduled_report_id = $1 ORDER BY created_at`,
    [scheduleId],
  );
  const ids: string[] = executions.map((e: { id: string }) => e.id);
  const [{ n }] = await db.query(
    `SELECT count(*)::int AS n FROM outbox_events
      WHERE type = 'execution.completed' AND subject_id = ANY($1::uuid[])`,
    [ids],
  );
  const completed = executions.find((e: { status: string }) => e.status === 'completed');
  let file: GenerationLedger['file'] = null;
  if (completed?.file_key) {
    const path = join(storageDir, completed.file_key);
    const bytes = existsSync(path) ? readFileSync(path) : Buffer.alloc(0);
    file = {
      sha256: createHash('sha256').update(bytes).digest('hex'),
      size: bytes.length,
      checksum: completed.file_checksum,
      recordedSize: Number(completed.file_size),
    };
  }
  const folders = new Set<string>(
    executions
      .filter((e: { file_key: string | null }) => e.file_key)
      .map((e: { file_key: string }) => dirname(join(storageDir, e.file_key))),
  );
  const onDisk = [...folders].flatMap((folder) =>
    existsSync(folder)
      ? readdirSync(folder).filter((name) => ids.some((id) => name.includes(id)))
      : [],
  );
  return {
    executions: executions.map(
      (e: { id: string; status: string; retry_count: number; file_key: string | null }) => ({
        id: e.id,
        status: e.status,
        retry_count: e.retry_count,
        file_key: e.file_key,
      }),
    ),
    completedEvents: n,
    file,
    onDisk: onDisk.sort(),
  };
}

/** Exactly one execution, completed once, its file's bytes matching its row, nothing else stored. */
export function expectOneCompletedRun(ledger: GenerationLedger): void {
  expect(ledger.executions).toHaveLength(1);
  expect(ledger.executions[0].status).toBe('completed');
  expect(ledger.completedEvents).toBe(1);
  expect(ledger.file).not.toBeNull();
  expect(ledger.file?.sha256).toBe(ledger.file?.checksum);
  expect(ledger.file?.size).toBe(ledger.file?.recordedSize);
  expect(ledger.onDisk).toEqual([basename(ledger.executions[0].file_key as string)]);
}

/** The temp files (full paths) a worker is writing for this execution right now. */
export function writingNow(
  orgId: string,
  executionId: string,
  storageDir = TEST_STORAGE_DIR,
): string[] {
  const folder = join(storageDir, 'org', orgId, 'executions');
  if (!existsSync(folder)) return [];
  return readdirSync(folder)
    .filter((name) => name.startsWith(`.${executionId}-`) && name.endsWith('.tmp'))
    .map((name) => join(folder, name));
}
