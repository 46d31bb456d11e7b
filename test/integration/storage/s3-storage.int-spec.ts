import {
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { Logger } from '@nestjs/common';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import S3rver from 's3rver';
import { AppConfig } from 'src/config/app-config';
import { EncryptingStorageDriver } from 'src/modules/storage/encrypting-storage.driver';
import { S3StorageDriver } from 'src/modules/storage/s3-storage.driver';
import { StorageDriver } from 'src/modules/storage/storage-driver';
import {
  StorageIntegrityError,
  StorageObjectNotFoundError,
} from 'src/modules/storage/storage.errors';
import { createStorageDriver } from 'src/modules/storage/storage.module';

jest.setTimeout(60_000); // 20 MB uploads through a local S3 server

const BUCKET = 'reports';
const MiB = 1024 * 1024;
const CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
const key = (name: string) => `org/0b6c3d36-5f0e-4a53-9a4e-2f1f3c0d8a11/executions/${name}`;

/** `total` bytes generated as read, in uneven chunks, with the SHA-256 of what was sent. */
function generated(total: number): { stream: Readable; sha256: () => string } {
  const block = randomBytes(MiB + 4096);
  const hash = createHash('sha256');
  let sent = 0;
  const stream = new Readable({
    read() {
      if (sent >= total) return void this.push(null);
      const size = Math.min(total - sent, 100_000 + (sent % 4096));
      const chunk = block.subarray(sent % 4096, (sent % 4096) + size);
      hash.update(chunk);
      sent += size;
      this.push(chunk);
    },
  });
  return { stream, sha256: () => hash.digest('hex') };
}

async function* failingAfter(bytes: number): AsyncGenerator<Buffer> {
  for (let sent = 0; sent < bytes; sent += MiB) yield randomBytes(MiB);
  throw new Error('database went away');
}

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

async function drain(stream: Readable): Promise<{ data: Buffer; error?: unknown }> {
  const chunks: Buffer[] = [];
  try {
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    return { data: Buffer.concat(chunks) };
  } catch (error) {
    return { data: Buffer.concat(chunks), error };
  }
}

describe('S3 storage against an S3-compatible server (s3rver)', () => {
  let directory: string;
  let server: S3rver | undefined;
  let raw: S3Client;
  let s3Config: AppConfig['storage']['s3'];
  const clients: S3Client[] = [];

  beforeAll(async () => {
    directory = await mkdtemp(path.join(tmpdir(), 's3rver-'));
    server = new S3rver({
      address: '127.0.0.1',
      port: 0,
      silent: true,
      directory,
      configureBuckets: [{ name: BUCKET }],
    });
    const { port } = await server.run();
    s3Config = {
      bucket: BUCKET,
      region: 'us-east-1',
      endpoint: `http://127.0.0.1:${port}`,
      forcePathStyle: true,
    };
    raw = new S3Client({ ...s3Config, credentials: CREDENTIALS });
    clients.push(raw);
  });

  afterAll(async () => {
    for (const client of clients) client.destroy();
    // Keep-alive sockets would hold close() open until they time out.
    server?.httpServer?.closeAllConnections();
    await server?.close().catch(() => undefined);
    if (directory) await rm(directory, { recursive: true, force: true });
  });

  /** A driver on its own client with test credentials; `sent` records the S3 calls it makes. */
  function s3Driver(sent: string[]): S3StorageDriver {
    const client = new S3Client({
      ...s3Config,
      credentials: CREDENTIALS,
      requestChecksumCalculation: 'WHEN_REQUIRED',
    });
    client.middlewareStack.add(
      (next, context) => (args) => {
        sent.push(String(context.commandName).replace(/Command$/, ''));
        return next(args);
      },
      { step: 'initialize' },
    );
    clients.push(client);
    return new S3StorageDriver(client, BUCKET);
  }

  async function rawObject(objectKey: string): Promise<Buffer> {
    const out = await raw.send(new GetObjectCommand({ Bucket: BUCKET, Key: objectKey }));
    return buffer(out.Body as Readable);
  }

  describe('S3StorageDriver', () => {
    let driver: StorageDriver;
    const sent: string[] = [];
    beforeAll(() => {
      driver = s3Driver(sent);
    });
    let warn: jest.SpyInstance;
    beforeEach(() => {
      sent.length = 0;
      warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    });
    afterEach(() => warn.mockRestore());

    it('streams 20 MB in (multipart) and out with its size and sha256', async () => {
      const total = 20 * MiB + 123;
      const input = generated(total);
      const stored = await driver.put(key('big.csv'), input.stream, { contentType: 'text/csv' });
      expect(stored).toEqual({ key: key('big.csv'), size: total, sha256: input.sha256() });

      const head = await raw.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key('big.csv') }));
      expect(head.ContentLength).toBe(total);
      expect(head.ContentType).toBe('text/csv');
      expect(sent).toEqual([
        'CreateMultipartUpload',
        'UploadPart',
        'UploadPart',
        'UploadPart', // 8 + 8 + 4 MiB
        'CompleteMultipartUpload',
      ]);

      const { stream, size } = await driver.get(key('big.csv'));
      expect(size).toBe(total);
      expect(sha256(await buffer(stream))).toBe(stored.sha256);
    });

    it('overwrites an existing key', async () => {
      await driver.put(key('twice.csv'), Readable.from(['first version']));
      await driver.put(key('twice.csv'), Readable.from(['second']));
      expect((await rawObject(key('twice.csv'))).toString()).toBe('second');
    });

    it('reports a missing key as StorageObjectNotFoundError', async () => {
      await expect(driver.get(key('missing.csv'))).rejects.toBeInstanceOf(
        StorageObjectNotFoundError,
      );
      expect(await driver.exists(key('missing.csv'))).toBe(false);
    });

    it('deletes idempotently', async () => {
      await driver.put(key('doomed.csv'), Readable.from(['x']));
      expect(await driver.exists(key('doomed.csv'))).toBe(true);
      await driver.delete(key('doomed.csv'));
      await driver.delete(key('doomed.csv'));
      expect(await driver.exists(key('doomed.csv'))).toBe(false);
      await expect(driver.get(key('doomed.csv'))).rejects.toBeInstanceOf(
        StorageObjectNotFoundError,
      );
    });

    it('creates no object when the source fails after some parts were sent', async () => {
      const body = Readable.from(failingAfter(18 * MiB));
      await expect(driver.put(key('broken.csv'), body)).rejects.toThrow('database went away');
      expect(sent).toContain('UploadPart');
      // s3rver does not implement AbortMultipartUpload; the driver tries, logs the failure and
      // still reports the source's error.
      expect(sent).toContain('AbortMultipartUpload');
      expect(warn).toHaveBeenCalledWith(expect.stringContaining('broken.csv'));
      expect(sent).not.toContain('CompleteMultipartUpload');
      expect(await driver.exists(key('broken.csv'))).toBe(false);
    });

    it('creates no object when aborted', async () => {
      const controller = new AbortController();
      const put = driver.put(key('aborted.csv'), generated(200 * MiB).stream, {
        signal: controller.signal,
      });
      setTimeout(() => controller.abort(), 100);
      await expect(put).rejects.toMatchObject({ name: 'AbortError' });
      expect(sent).not.toContain('CompleteMultipartUpload');
      expect(await driver.exists(key('aborted.csv'))).toBe(false);
    });
  });

  describe('EncryptingStorageDriver over S3 (built by createStorageDriver)', () => {
    let driver: StorageDriver;
    beforeAll(() => {
      driver = createStorageDriver(
        { driver: 's3', dir: '', s3: s3Config, encryptionKey: randomBytes(32) },
        { s3Client: { credentials: CREDENTIALS } },
      );
      expect(driver).toBeInstanceOf(EncryptingStorageDriver);
    });

    it('round-trips 20 MB and stores only ciphertext', async () => {
      const total = 20 * MiB + 5;
      const input = generated(total);
      const stored = await driver.put(key('secret.csv'), input.stream);
      expect(stored).toEqual({ key: key('secret.csv'), size: total, sha256: input.sha256() });

      const object = await rawObject(key('secret.csv'));
      expect(object.subarray(0, 4).toString('ascii')).toBe('SRE1');
      expect(object.length).toBeGreaterThan(total);

      const { stream, size } = await driver.get(key('secret.csv'));
      expect(size).toBe(total);
      expect(sha256(await buffer(stream))).toBe(stored.sha256);
    });

    it('does not store the plaintext', async () => {
      const plain = Buffer.from('customer,amount\nACME Corp,1200.00\n'.repeat(1000));
      await driver.put(key('plain-check.csv'), Readable.from([plain]));
      expect((await rawObject(key('plain-check.csv'))).includes('ACME Corp')).toBe(false);
    });

    it('detects a byte flipped in the stored object', async () => {
      const plain = randomBytes(3 * MiB);
      await driver.put(key('tampered.csv'), Readable.from([plain]));
      const object = await rawObject(key('tampered.csv'));
      object[Math.floor(object.length / 2)] ^= 0x40;
      await raw.send(
        new PutObjectCommand({ Bucket: BUCKET, Key: key('tampered.csv'), Body: object }),
      );

      const { data, error } = await drain((await driver.get(key('tampered.csv'))).stream);
      expect(error).toBeInstanceOf(StorageIntegrityError);
      expect(data.length).toBeLessThan(plain.length / 2);
      expect(data.equals(plain.subarray(0, data.length))).toBe(true);
    });

    it('refuses an object whose header was altered', async () => {
      await driver.put(key('header.csv'), Readable.from(['x']));
      const object = await rawObject(key('header.csv'));
      object[30] ^= 0x01;
      await raw.send(
        new PutObjectCommand({ Bucket: BUCKET, Key: key('header.csv'), Body: object }),
      );
      await expect(driver.get(key('header.csv'))).rejects.toBeInstanceOf(StorageIntegrityError);
    });

    it('passes not-found and delete through', async () => {
      await expect(driver.get(key('nothing.csv'))).rejects.toBeInstanceOf(
        StorageObjectNotFoundError,
      );
      await driver.put(key('gone.csv'), Readable.from(['x']));
      await driver.delete(key('gone.csv'));
      expect(await driver.exists(key('gone.csv'))).toBe(false);
    });
  });
});
