import { NoSuchBucket, NoSuchKey, NotFound, S3Client } from '@aws-sdk/client-s3';
import { Logger } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { S3StorageDriver } from './s3-storage.driver';
import { StorageObjectNotFoundError } from './storage.errors';

const MiB = 1024 * 1024;
const KEY = 'org/0b6c3d36-5f0e-4a53-9a4e-2f1f3c0d8a11/executions/7d9e2c1a.csv';

type Handler = (input: Record<string, unknown>) => Promise<unknown>;

/** A real client whose `send` answers from `handlers` by command name and records the calls. */
function fakeS3(handlers: Record<string, Handler>) {
  const client = new S3Client({
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  const sent: string[] = [];
  jest.spyOn(client, 'send').mockImplementation((async (command: {
    constructor: { name: string };
    input: Record<string, unknown>;
  }) => {
    const name = command.constructor.name.replace(/Command$/, '');
    sent.push(name);
    const handler = handlers[name] ?? defaults[name];
    if (!handler) throw new Error(`unexpected ${name}`);
    return handler(command.input);
  }) as never);
  return { driver: new S3StorageDriver(client, 'reports'), sent };
}

const defaults: Record<string, Handler> = {
  PutObject: async () => ({ ETag: '"1"' }),
  CreateMultipartUpload: async () => ({ UploadId: 'upload-1' }),
  UploadPart: async (input) => {
    await new Promise((resolve) => setTimeout(resolve, 5));
    return { ETag: `"${String(input.PartNumber)}"` };
  },
  CompleteMultipartUpload: async () => ({}),
  AbortMultipartUpload: async () => ({}),
  ListMultipartUploads: async () => ({ Uploads: [] }),
};

async function* megabytes(count: number, failWith?: Error): AsyncGenerator<Buffer> {
  for (let i = 0; i < count; i++) yield Buffer.alloc(MiB, i);
  if (failWith) throw failWith;
}

describe('S3StorageDriver', () => {
  beforeEach(() => jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined));
  afterEach(() => jest.restoreAllMocks());

  it('sends a small file as one PutObject with its content type', async () => {
    let put: Record<string, unknown> = {};
    const { driver, sent } = fakeS3({
      PutObject: async (input) => {
        put = input;
        return {};
      },
    });
    const stored = await driver.put(KEY, Readable.from(['a,b\n']), { contentType: 'text/csv' });
    expect(sent).toEqual(['PutObject']);
    expect(put).toMatchObject({ Bucket: 'reports', Key: KEY, ContentType: 'text/csv' });
    expect(stored).toEqual({
      key: KEY,
      size: 4,
      sha256: createHash('sha256').update('a,b\n').digest('hex'),
    });
  });

  it('uploads a large stream in 8 MiB parts and completes it', async () => {
    const sizes: number[] = [];
    const { driver, sent } = fakeS3({
      UploadPart: async (input) => {
        sizes[Number(input.PartNumber) - 1] = (input.Body as Buffer).length;
        return { ETag: '"x"' };
      },
    });
    const stored = await driver.put(KEY, Readable.from(megabytes(20)));
    expect(stored.size).toBe(20 * MiB);
    expect(sizes).toEqual([8 * MiB, 8 * MiB, 4 * MiB]);
    expect(sent.filter((name) => name === 'CompleteMultipartUpload')).toHaveLength(1);
    expect(sent).not.toContain('AbortMultipartUpload');
  });

  it('aborts the multipart upload and reports the source error when the source fails', async () => {
    const { driver, sent } = fakeS3({});
    const body = Readable.from(megabytes(18, new Error('database went away')));
    await expect(driver.put(KEY, body)).rejects.toThrow('database went away');
    expect(sent).toContain('UploadPart');
    expect(sent).toContain('AbortMultipartUpload');
    expect(sent).not.toContain('CompleteMultipartUpload');
  });

  it('still reports the source error when aborting the multipart upload fails too', async () => {
    const { driver } = fakeS3({
      AbortMultipartUpload: async () => {
        throw new Error('MethodNotAllowed');
      },
    });
    const body = Readable.from(megabytes(18, new Error('database went away')));
    await expect(driver.put(KEY, body)).rejects.toThrow('database went away');
    expect(Logger.prototype.warn).toHaveBeenCalledWith(expect.stringContaining('MethodNotAllowed'));
  });

  it('stops reading the source and aborts when a part fails', async () => {
    const { driver, sent } = fakeS3({
      UploadPart: async () => {
        throw new Error('SlowDown');
      },
    });
    const body = Readable.from(megabytes(100));
    await expect(driver.put(KEY, body)).rejects.toThrow('SlowDown');
    expect(body.destroyed).toBe(true);
    expect(sent).toContain('AbortMultipartUpload');
    expect(sent).not.toContain('CompleteMultipartUpload');
  });

  it('aborts on the signal, after the parts in flight, and completes nothing', async () => {
    const controller = new AbortController();
    // Abort once the multipart upload is under way (a timer could fire before the first part
    // on a loaded machine, when there is nothing to abort yet).
    const { driver, sent } = fakeS3({
      UploadPart: async (input) => {
        controller.abort();
        return defaults.UploadPart(input);
      },
    });
    const endless = new Readable({
      read() {
        setTimeout(() => this.push(Buffer.alloc(MiB)), 1);
      },
    });
    const put = driver.put(KEY, endless, { signal: controller.signal });
    await expect(put).rejects.toMatchObject({ name: 'AbortError' });
    expect(endless.destroyed).toBe(true);
    expect(sent.at(-1)).toBe('AbortMultipartUpload');
    expect(sent).not.toContain('CompleteMultipartUpload');
  });

  it('maps a missing object to StorageObjectNotFoundError, and only that', async () => {
    const { driver } = fakeS3({
      GetObject: async (input) => {
        if (input.Key === 'gone.csv') throw new NoSuchKey({ message: 'gone', $metadata: {} });
        throw new NoSuchBucket({ message: 'no bucket', $metadata: {} });
      },
      HeadObject: async () => {
        throw new NotFound({ message: 'not found', $metadata: {} });
      },
    });
    await expect(driver.get('gone.csv')).rejects.toBeInstanceOf(StorageObjectNotFoundError);
    await expect(driver.get('other.csv')).rejects.toBeInstanceOf(NoSuchBucket);
    expect(await driver.exists('gone.csv')).toBe(false);
  });

  it('returns the object body and its length', async () => {
    const { driver } = fakeS3({
      GetObject: async () => ({ Body: Readable.from([Buffer.from('abc')]), ContentLength: 3 }),
      HeadObject: async () => ({ ContentLength: 3 }),
      DeleteObject: async () => ({}),
    });
    const { stream, size } = await driver.get(KEY);
    expect(size).toBe(3);
    expect(Buffer.concat(await stream.toArray()).toString()).toBe('abc');
    expect(await driver.exists(KEY)).toBe(true);
    await driver.delete(KEY);
  });

  it('refuses bad keys without calling S3', async () => {
    const { driver, sent } = fakeS3({});
    const body = Readable.from(['x']);
    await expect(driver.put('../x', body)).rejects.toMatchObject({
      name: 'InvalidStorageKeyError',
    });
    expect(body.destroyed).toBe(true);
    await expect(driver.get('/x')).rejects.toMatchObject({ name: 'InvalidStorageKeyError' });
    await expect(driver.delete('a\\b')).rejects.toMatchObject({ name: 'InvalidStorageKeyError' });
    expect(sent).toEqual([]);
  });

  it("aborts the key's unfinished multipart uploads, page by page, and no other key's, before deleting", async () => {
    const aborted: unknown[] = [];
    const { driver, sent } = fakeS3({
      ListMultipartUploads: async (input) =>
        input.KeyMarker
          ? { Uploads: [{ Key: KEY, UploadId: 'u3' }], IsTruncated: false }
          : {
              Uploads: [
                { Key: KEY, UploadId: 'u1' },
                { Key: `${KEY}.gz`, UploadId: 'u2' },
              ],
              IsTruncated: true,
              NextKeyMarker: KEY,
              NextUploadIdMarker: 'u2',
            },
      AbortMultipartUpload: async (input) => void aborted.push(input),
      DeleteObject: async () => ({}),
    });

    await driver.delete(KEY);

    expect(aborted).toEqual([
      { Bucket: 'reports', Key: KEY, UploadId: 'u1' },
      { Bucket: 'reports', Key: KEY, UploadId: 'u3' },
    ]);
    expect(sent.at(-1)).toBe('DeleteObject');
  });
});
