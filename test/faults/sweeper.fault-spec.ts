import { CreateMultipartUploadCommand, S3Client, UploadPartCommand } from '@aws-sdk/client-s3';
import { createHash, randomUUID } from 'node:crypto';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import S3rver from 's3rver';
import { DataSource } from 'typeorm';
import { AppConfig } from 'src/config/app-config';
import { AppConfigService } from 'src/config/app-config.service';
import { dataSourceOptions } from 'src/database/data-source-options';
import { ExecutionsRepository } from 'src/modules/executions/executions.repository';
import { StorageSweeperService } from 'src/modules/scheduler/storage-sweeper.service';
import { StorageDriver } from 'src/modules/storage/storage-driver';
import { createStorageDriver } from 'src/modules/storage/storage.module';
import { newOrg } from 'test/factories';
import { FakeClock } from 'test/utils/fake-clock';
import { addMultipartUploadCalls, pendingUploads } from 'test/utils/s3rver-uploads';
import { TEST_DATABASE_URL, testAppEnv } from 'test/utils/test-env';

jest.setTimeout(60_000);

const BUCKET = 'reports';
const CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
const DAY = 86_400_000;

/** What a store holds besides its objects, and how a killed put's leftover is made there. */
interface Store {
  driver: StorageDriver;
  /** Leaves an unfinished write of `key`, as a put whose process was SIGKILLed does. */
  leaveUnfinished(key: string): Promise<void>;
  /** How many unfinished writes it holds. */
  unfinished(): Promise<number>;
  close(): Promise<void>;
}

async function localStore(encrypted: boolean): Promise<Store> {
  const dir = await mkdtemp(path.join(tmpdir(), 'sweeper-local-'));
  const values: AppConfig['storage'] = {
    driver: 'local',
    dir,
    s3: { forcePathStyle: false },
    encryptionKey: encrypted ? Buffer.alloc(32, 7) : undefined,
  };
  const temps: string[] = [];
  return {
    driver: createStorageDriver(values),
    leaveUnfinished: async (key) => {
      const target = path.join(dir, ...key.split('/'));
      const temp = path.join(
        path.dirname(target),
        `.${path.basename(target)}.0123456789abcdef.tmp`,
      );
      await writeFile(temp, 'half a report');
      temps.push(temp);
    },
    unfinished: async () => {
      let n = 0;
      for (const temp of temps) n += (await exists(temp)) ? 1 : 0;
      return n;
    },
    close: () => rm(dir, { recursive: true, force: true }),
  };
}

async function s3Store(): Promise<Store> {
  const dir = await mkdtemp(path.join(tmpdir(), 'sweeper-s3-'));
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory: dir,
    configureBuckets: [{ name: BUCKET }],
  });
  addMultipartUploadCalls(server, dir);
  const { port } = await server.run();
  const s3 = {
    bucket: BUCKET,
    region: 'us-east-1',
    endpoint: `http://127.0.0.1:${port}`,
    forcePathStyle: true,
  };
  const raw = new S3Client({ ...s3, credentials: CREDENTIALS });
  const driver = createStorageDriver(
    { driver: 's3', dir: '', s3 },
    { s3Client: { credentials: CREDENTIALS } },
  );
  return {
    driver,
    leaveUnfinished: async (key) => {
      const { UploadId } = await raw.send(
        new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: key }),
      );
      await raw.send(
        new UploadPartCommand({
          Bucket: BUCKET,
          Key: key,
          UploadId,
          PartNumber: 1,
          Body: Buffer.alloc(5 * 1024 * 1024, 1),
        }),
      );
    },
    unfinished: async () =>
      (await pendingUploads(path.join(dir, BUCKET, '._S3rver_uploads'))).length,
    close: async () => {
      raw.destroy();
      server.httpServer?.closeAllConnections();
      await server.close().catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
}

/**
 * The sweeper against real stores: files no run references (a run that failed after writing, an
 * attempt that lost) and what killed writes left (temp files, multipart uploads) go once they are
 * old enough; a file a run references stays, byte for byte, whatever its age.
 */
describe.each([
  ['local', () => localStore(false)],
  ['local, encrypted at rest', () => localStore(true)],
  ['s3 (s3rver)', s3Store],
])('storage sweeper on %s', (_name, open) => {
  let db: DataSource;
  let store: Store;
  const clock = new FakeClock(new Date());
  let sweeper: StorageSweeperService;
  let orgId: string;
  let scheduleId: string;

  beforeAll(async () => {
    db = await new DataSource(dataSourceOptions(TEST_DATABASE_URL)).initialize();
    store = await open();
    const config = AppConfigService.fromEnv(testAppEnv());
    sweeper = new StorageSweeperService(new ExecutionsRepository(db), clock, config, store.driver);
    orgId = (await newOrg(db)).id;
    const [schedule] = await db.query(
      `INSERT INTO scheduled_reports (organization_id, created_by, name, report_type, schedule_config, output_format)
       VALUES ($1, 'someone', 'swept', 'invoice_summary', '{"cadence":"daily","time":"09:00","timezone":"UTC"}', 'csv')
       RETURNING id`,
      [orgId],
    );
    scheduleId = schedule.id;
  });
  afterAll(async () => {
    await store?.close();
    await db?.destroy();
  });

  const put = async (key: string, content: string) => {
    const stored = await store.driver.put(key, Readable.from([Buffer.from(content)]));
    return stored.sha256;
  };
  const run = async (status: 'completed' | 'failed', fileKey: string | null, checksum?: string) =>
    db.query(
      `INSERT INTO report_executions (organization_id, scheduled_report_id, trigger, scheduled_for,
                                      status, completed_at, file_key, file_checksum)
       VALUES ($1, $2, 'manual', now(), $3, now(), $4, $5)`,
      [orgId, scheduleId, status, fileKey, checksum ?? null],
    );

  it('removes only old unreferenced files and unfinished writes, never a referenced file', async () => {
    const key = (name: string) => `org/${orgId}/executions/${randomUUID()}${name}`;
    const kept = key('.csv');
    const keptChecksum = await put(kept, 'id,total\r\n1,10\r\n');
    await run('completed', kept, keptChecksum);
    // Written, then its run failed (or another attempt won): no row names it.
    const orphan = key('.csv');
    await put(orphan, 'id,total\r\n2,20\r\n');
    await run('failed', null);
    // An attempt's own key that lost to the attempt that completed.
    const loser = key('.attempt-2.csv');
    await put(loser, 'id,total\r\n3,30\r\n');
    await store.leaveUnfinished(key('.xlsx'));
    expect(await store.unfinished()).toBe(1);

    // Younger than STORAGE_SWEEP_MIN_AGE_MS (a day): a run may be about to commit it.
    clock.set(new Date(Date.now() + DAY / 2));
    expect(await sweeper.sweep()).toEqual({ removed: 0, incomplete: 0 });
    expect(await store.driver.exists(orphan)).toBe(true);

    clock.set(new Date(Date.now() + 2 * DAY));
    expect(await sweeper.sweep()).toEqual({ removed: 2, incomplete: 1 });
    expect(await store.driver.exists(orphan)).toBe(false);
    expect(await store.driver.exists(loser)).toBe(false);
    expect(await store.unfinished()).toBe(0);
    const { stream } = await store.driver.get(kept);
    const bytes = await buffer(stream);
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(keptChecksum);

    // Nothing left to sweep: a second pass removes nothing.
    expect(await sweeper.sweep()).toEqual({ removed: 0, incomplete: 0 });
  });
});
