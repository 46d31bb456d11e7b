import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import S3rver from 's3rver';
import { newMember, newOrg, TestMember } from 'test/factories';
import { SEEDED_YEAR, startRunNow } from 'test/utils/run-report';
import { addMultipartUploadCalls, pendingUploads } from 'test/utils/s3rver-uploads';
import { seedOrgData } from 'test/utils/seed-org';
import { createTestApp, TestApp } from 'test/utils/test-app';
import { waitFor } from 'test/utils/wait-for';
import { WorkerProcess } from 'test/utils/worker-process';

jest.setTimeout(120_000);

const BUCKET = 'reports';
const CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

type Middleware = (
  ctx: { method: string; url: string },
  next: () => Promise<void>,
) => Promise<void>;

/** Part uploads (PUT …?partNumber=) get no answer: they stay in flight until the server stops. */
function holdParts(server: S3rver, arrived: () => void): void {
  const middleware = (server as unknown as { middleware: Middleware[] }).middleware;
  middleware.unshift(async (ctx, next) => {
    if (ctx.method !== 'PUT' || !new URL(ctx.url, 'http://s3rver').searchParams.has('partNumber')) {
      return next();
    }
    arrived();
    await new Promise(() => undefined);
  });
}

/**
 * The S3 server goes away while a real worker process streams a report to it in a multipart
 * upload, and comes back on the same port with what it had stored.
 */
describe('generation when S3 goes down mid-upload', () => {
  let dir: string;
  let port: number;
  let s3rver: S3rver | null = null;
  let raw: S3Client;
  let api: TestApp;
  let orgId: string;
  let editor: TestMember;
  const worker = new WorkerProcess();
  const uploadsDir = () => path.join(dir, BUCKET, '._S3rver_uploads');
  /** Set while the first server runs: called when a part upload arrives, which it then holds. */
  let onPart: (() => void) | null = null;

  /** (Re)starts s3rver on its port over the same directory: the data survives a restart. */
  const startS3 = async (first: boolean) => {
    const server = new S3rver({
      address: '127.0.0.1',
      port: first ? 0 : port,
      silent: true,
      directory: dir,
      ...(first ? { configureBuckets: [{ name: BUCKET }] } : {}),
    });
    addMultipartUploadCalls(server, dir);
    if (first) holdParts(server, () => onPart?.());
    port = (await server.run()).port;
    s3rver = server;
  };
  /** Stops accepting and cuts every open connection, requests in flight included. */
  const stopS3 = async () => {
    const server = s3rver;
    s3rver = null;
    if (!server) return;
    const closed = server.close();
    server.httpServer?.closeAllConnections();
    await closed;
  };

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 's3-outage-'));
    await startS3(true);
    raw = new S3Client({
      region: 'us-east-1',
      endpoint: `http://127.0.0.1:${port}`,
      forcePathStyle: true,
      credentials: CREDENTIALS,
    });
    api = await createTestApp({ role: 'api' });
    orgId = (await newOrg(api.db)).id;
    editor = newMember(orgId, { roles: ['editor'] });
    // A CSV of these rows is more than one 5 MiB part: a multipart upload.
    await seedOrgData({ orgId, invoices: 100_000, usageEvents: 10, customers: 100 });
    await worker.start(
      {
        STORAGE_DRIVER: 's3',
        S3_BUCKET: BUCKET,
        S3_ENDPOINT: `http://127.0.0.1:${port}`,
        S3_REGION: 'us-east-1',
        S3_FORCE_PATH_STYLE: 'true',
        S3_PART_SIZE_BYTES: String(5 * 1024 * 1024),
        AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
        GENERATION_CONCURRENCY: '1',
        JOB_BACKOFF_MS: '2000',
      },
      150_000,
    );
  }, 240_000);
  afterAll(async () => {
    await worker.kill();
    await api?.close();
    raw?.destroy();
    await stopS3();
    await rm(dir, { recursive: true, force: true });
  });

  it('the run completes once, with one object matching its checksum and no multipart upload left', async () => {
    const run = await startRunNow(api, editor, {
      output_format: 'csv',
      recipients: [],
      report_parameters: SEEDED_YEAR,
    });
    const { executionId } = run;

    // The first part reaches S3 and is held there: the upload is under way, not finished.
    await new Promise<void>((resolve) => (onPart = resolve));
    expect((await pendingUploads(uploadsDir())).map((u) => u.key)).toEqual([
      expect.stringContaining(executionId),
    ]);
    try {
      await stopS3();
      await waitFor(
        'the attempt to fail while S3 is down',
        async () => /attempt 1\/\d+ failed/.test(worker.output),
        60_000,
        20,
      );
      // The cut-off attempt could not abort its upload: S3 holds it until the next attempt does.
      expect((await pendingUploads(uploadsDir())).length).toBeGreaterThan(0);
    } finally {
      if (!s3rver) await startS3(false);
    }

    const row = await waitFor(
      'the run to finish',
      async () => {
        const [r] = await api.db.query(
          `SELECT status, file_key, file_checksum, file_size, retry_count
             FROM report_executions WHERE id = $1`,
          [executionId],
        );
        return ['completed', 'failed'].includes(r.status) && r;
      },
      60_000,
    );
    expect(row).toMatchObject({ status: 'completed' });
    expect(row.retry_count).toBeGreaterThanOrEqual(1);
    const [{ n }] = await api.db.query(
      `SELECT count(*)::int AS n FROM outbox_events
        WHERE type = 'execution.completed' AND subject_id = $1`,
      [executionId],
    );
    expect(n).toBe(1);

    // At the peer: one object for the run, the one its row names, byte for byte.
    const listed = await raw.send(
      new ListObjectsV2Command({ Bucket: BUCKET, Prefix: `org/${orgId}/executions/` }),
    );
    const objects = (listed.Contents ?? [])
      .map((o) => o.Key)
      .filter((k) => k?.includes(executionId));
    expect(objects).toEqual([row.file_key]);
    const object = await raw.send(new GetObjectCommand({ Bucket: BUCKET, Key: row.file_key }));
    const bytes = Buffer.from(await object.Body!.transformToByteArray());
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(row.file_checksum);
    expect(bytes.length).toBe(Number(row.file_size));
    expect(await pendingUploads(uploadsDir())).toEqual([]);
  });
});
