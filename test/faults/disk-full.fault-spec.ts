import { Logger } from '@nestjs/common';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newMember, newOrg, scheduleBody, TestMember } from 'test/factories';
import { expectOneCompletedRun, generationLedger } from 'test/utils/generation-ledger';
import { clientFor } from 'test/utils/http-client';
import { useManualTicks } from 'test/utils/manual-ticks';
import { seedOrgData } from 'test/utils/seed-org';
import { createTestApp, TestApp } from 'test/utils/test-app';
import { waitFor } from 'test/utils/wait-for';

jest.setTimeout(120_000);

/** Every file under `dir` (names relative to it), a filesystem's whole content. */
function filesUnder(dir: string): string[] {
  return (readdirSync(dir, { recursive: true, withFileTypes: true }) as import('node:fs').Dirent[])
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name).slice(dir.length + 1))
    .sort();
}

/**
 * The local storage driver writes to a real filesystem that fills up: a 1 MiB tmpfs, mounted
 * for this file and gone after it, that a filler file leaves almost no room in.
 */
describe('generation when the local storage disk is full', () => {
  const mountDir = mkdtempSync(join(tmpdir(), 'disk-full-'));
  const filler = join(mountDir, 'filler');
  let mounted = false;
  let t: TestApp;
  let orgId: string;
  let editor: TestMember;

  /** Fills the disk but for 16 KiB, far less than the report needs. */
  const fill = () => {
    const { bavail, bsize } = statfsSync(mountDir);
    writeFileSync(filler, Buffer.alloc(Math.max(0, bavail * bsize - 16 * 1024)));
  };
  const runNow = async () => {
    const client = clientFor(t, editor);
    const schedule = (
      await client
        .post(
          '/api/scheduled-reports',
          scheduleBody({
            output_format: 'csv',
            recipients: [],
            report_parameters: {
              date_range: { preset: 'custom', from: '2025-06-01', to: '2026-05-31' },
            },
          }),
        )
        .expect(201)
    ).body;
    const run = (await client.post(`/api/scheduled-reports/${schedule.id}/run`).expect(202)).body;
    return { scheduleId: schedule.id as string, executionId: run.id as string };
  };
  const finished = (executionId: string) =>
    waitFor(
      'the run to finish',
      async () => {
        const [row] = await t.db.query(
          `SELECT status, error_message, retry_count FROM report_executions WHERE id = $1`,
          [executionId],
        );
        return ['completed', 'failed'].includes(row.status) && row;
      },
      90_000,
    );

  beforeAll(async () => {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', mountDir]);
    mounted = true;
    t = await createTestApp({
      role: 'all',
      env: { STORAGE_DIR: mountDir, JOB_ATTEMPTS: '2', JOB_BACKOFF_MS: '500' },
    });
    useManualTicks(t.app);
    orgId = (await newOrg(t.db)).id;
    editor = newMember(orgId, { roles: ['editor'] });
    // Enough rows for a CSV of a few hundred KiB: more than the room left, less than the disk.
    await seedOrgData({ orgId, invoices: 3_000, usageEvents: 10, customers: 50 });
  }, 120_000);
  afterAll(async () => {
    await t?.close();
    if (mounted) execFileSync('umount', [mountDir]);
    rmSync(mountDir, { recursive: true, force: true });
  });

  it('a run that finds the disk full keeps nothing, says why, and completes once there is room', async () => {
    fill();
    const warnings = jest.spyOn(Logger.prototype, 'warn');
    const seenAtFailure: string[][] = [];
    // The first attempt's failure frees the disk, before its retry can start.
    warnings.mockImplementation(function (this: Logger, message: unknown) {
      if (/attempt 1\/\d+ failed: the report storage is full/.test(String(message))) {
        seenAtFailure.push(filesUnder(mountDir));
        rmSync(filler, { force: true });
      }
    });
    try {
      const { scheduleId, executionId } = await runNow();

      expect(await finished(executionId)).toMatchObject({ status: 'completed', retry_count: 1 });
      // When the attempt failed, its partial file was already gone: only the filler was there.
      expect(seenAtFailure).toEqual([['filler']]);
      const ledger = await generationLedger(t.db, scheduleId, mountDir);
      expectOneCompletedRun(ledger);
      expect(ledger.file?.size).toBeGreaterThan(16 * 1024);
    } finally {
      warnings.mockRestore();
      rmSync(filler, { force: true });
    }
  });

  it('a run whose attempts all find the disk full fails with the reason and leaves nothing', async () => {
    fill();
    try {
      const { scheduleId, executionId } = await runNow();

      const row = await finished(executionId);
      expect(row.status).toBe('failed');
      expect(row.error_message).toMatch(/report storage is full .*no space left on device/i);
      const ledger = await generationLedger(t.db, scheduleId, mountDir);
      expect(ledger.executions).toHaveLength(1);
      expect(ledger.file).toBeNull();
      // Not a byte of the report on the disk: no file, no temp file, only the filler and the
      // first test's run.
      expect(filesUnder(mountDir).filter((name) => name.includes(executionId))).toEqual([]);
      expect(filesUnder(mountDir).some((name) => name.endsWith('.tmp'))).toBe(false);
    } finally {
      rmSync(filler, { force: true });
    }
  });
});
