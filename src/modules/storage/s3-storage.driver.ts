import {
  AbortMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListMultipartUploadsCommandOutput,
  ListObjectsV2Command,
  S3Client,
  S3ClientConfig,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { Logger } from '@nestjs/common';
import { pipeline, Readable } from 'node:stream';
import { AppConfig } from 'src/config/app-config';
import { DigestTransform } from './digest.transform';
import { ListedObject, PutOptions, StorageDriver, StoredFile } from './storage-driver';
import { assertValidStorageKey } from './storage-key';
import { StorageObjectNotFoundError } from './storage.errors';

// Parts in flight per upload; memory is about (QUEUE_SIZE + 1) * part size per put.
const QUEUE_SIZE = 3;

/**
 * Objects in one S3 bucket. An object appears only when PutObject or CompleteMultipartUpload
 * succeeds, so readers never see part of one; a failed multipart upload is aborted (a bucket
 * lifecycle rule for incomplete uploads is the backstop when even the abort fails).
 * Credentials come from the SDK's default chain.
 */
export class S3StorageDriver implements StorageDriver {
  private readonly logger = new Logger(S3StorageDriver.name);

  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
    private readonly partSize = 8 * 1024 * 1024,
  ) {}

  /** `overrides` lets tests and scripts pass credentials or a request handler. */
  static fromConfig(
    s3: AppConfig['storage']['s3'],
    overrides: Partial<S3ClientConfig> = {},
  ): S3StorageDriver {
    if (!s3.bucket) throw new Error('S3_BUCKET is required for the s3 storage driver');
    const client = new S3Client({
      // Signing needs a region even for S3-compatible servers, which mostly ignore it.
      region: s3.region ?? (s3.endpoint ? 'us-east-1' : undefined),
      endpoint: s3.endpoint,
      forcePathStyle: s3.forcePathStyle,
      // S3-compatible servers often reject the SDK's default CRC32 checksum headers.
      ...(s3.endpoint
        ? {
            requestChecksumCalculation: 'WHEN_REQUIRED',
            responseChecksumValidation: 'WHEN_REQUIRED',
          }
        : {}),
      ...overrides,
    });
    return new S3StorageDriver(client, s3.bucket, s3.partSizeBytes);
  }

  async put(key: string, body: Readable, options: PutOptions = {}): Promise<StoredFile> {
    const { signal } = options;
    try {
      assertValidStorageKey(key);
      signal?.throwIfAborted();
    } catch (error) {
      body.destroy();
      throw error;
    }
    const digest = new DigestTransform();
    let sourceError: Error | undefined;
    // A source error destroys `digest` with that error, which fails the upload.
    pipeline(body, digest, (error) => {
      sourceError ??= error ?? undefined;
    });
    // Aborting through the source, not Upload's own controller: Upload's done() would reject
    // at once while parts were still in flight and the multipart upload not yet aborted.
    const abort = () => digest.destroy(signal?.reason as Error);
    signal?.addEventListener('abort', abort, { once: true });
    try {
      await new Upload({
        client: this.client,
        params: { Bucket: this.bucket, Key: key, Body: digest, ContentType: options.contentType },
        partSize: this.partSize,
        queueSize: QUEUE_SIZE,
        leavePartsOnError: false,
      }).done();
    } catch (error) {
      const cause = sourceError ?? error;
      if (cause !== error) {
        // Upload aborts the multipart upload after a source error; if that fails too, the
        // source's error is still the one to report.
        this.logger.warn(`cleanup of the failed upload of '${key}' failed: ${String(error)}`);
      }
      body.destroy();
      digest.destroy();
      throw cause;
    } finally {
      signal?.removeEventListener('abort', abort);
    }
    return { key, size: digest.byteCount, sha256: digest.sha256 };
  }

  async get(key: string): Promise<{ stream: Readable; size: number }> {
    assertValidStorageKey(key);
    try {
      const out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      if (!(out.Body instanceof Readable) || out.ContentLength === undefined) {
        throw new Error(`S3 GetObject for '${key}' returned no stream or no length`);
      }
      return { stream: out.Body, size: out.ContentLength };
    } catch (error) {
      if (isMissing(error)) throw new StorageObjectNotFoundError(key);
      throw error;
    }
  }

  /**
   * Also aborts the multipart uploads of this key: a put cut off by S3 going away or by its
   * process dying could not abort its own, and its parts would stay stored (and billed) with
   * no object to show for them until the sweep.
   */
  async delete(key: string): Promise<void> {
    assertValidStorageKey(key);
    await this.abortUploadsOf(key);
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
  }

  private async abortUploadsOf(key: string): Promise<void> {
    let KeyMarker: string | undefined;
    let UploadIdMarker: string | undefined;
    do {
      const page = await this.client
        .send(
          new ListMultipartUploadsCommand({
            Bucket: this.bucket,
            Prefix: key,
            KeyMarker,
            UploadIdMarker,
          }),
        )
        .catch((error: unknown) => {
          // A store without the call (some S3-compatible servers) leaves them to the sweep.
          if ((error as { name?: string } | null)?.name === 'NotImplemented') {
            return {} as ListMultipartUploadsCommandOutput;
          }
          throw error;
        });
      for (const upload of page.Uploads ?? []) {
        if (upload.Key !== key || !upload.UploadId) continue;
        await this.client.send(
          new AbortMultipartUploadCommand({
            Bucket: this.bucket,
            Key: key,
            UploadId: upload.UploadId,
          }),
        );
      }
      const more = page.IsTruncated === true;
      KeyMarker = more ? page.NextKeyMarker : undefined;
      UploadIdMarker = more ? page.NextUploadIdMarker : undefined;
    } while (KeyMarker);
  }

  async exists(key: string): Promise<boolean> {
    assertValidStorageKey(key);
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return true;
    } catch (error) {
      if (isMissing(error)) return false;
      throw error;
    }
  }

  async *list(): AsyncIterable<ListedObject> {
    let ContinuationToken: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({ Bucket: this.bucket, ContinuationToken }),
      );
      for (const object of page.Contents ?? []) {
        if (object.Key && object.LastModified) {
          yield { key: object.Key, modifiedAt: object.LastModified };
        }
      }
      ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (ContinuationToken);
  }

  /**
   * Aborts multipart uploads begun before `startedBefore`: a put whose process was killed leaves
   * its parts stored (and billed) but never an object. The bucket's lifecycle rule, if any, is
   * then only a backstop.
   */
  async removeIncomplete(startedBefore: Date): Promise<number> {
    let aborted = 0;
    let KeyMarker: string | undefined;
    let UploadIdMarker: string | undefined;
    do {
      const page = await this.client.send(
        new ListMultipartUploadsCommand({ Bucket: this.bucket, KeyMarker, UploadIdMarker }),
      );
      for (const upload of page.Uploads ?? []) {
        if (!upload.Key || !upload.UploadId || !upload.Initiated) continue;
        if (upload.Initiated >= startedBefore) continue;
        await this.client.send(
          new AbortMultipartUploadCommand({
            Bucket: this.bucket,
            Key: upload.Key,
            UploadId: upload.UploadId,
          }),
        );
        aborted += 1;
      }
      const more = page.IsTruncated === true;
      KeyMarker = more ? page.NextKeyMarker : undefined;
      UploadIdMarker = more ? page.NextUploadIdMarker : undefined;
    } while (KeyMarker);
    return aborted;
  }
}

/** NoSuchKey from GetObject, NotFound from HeadObject (a missing bucket stays an error). */
function isMissing(error: unknown): boolean {
  const name = (error as { name?: string } | null)?.name;
  return name === 'NoSuchKey' || name === 'NotFound';
}
