import { readdir, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type S3rver from 's3rver';

type Context = {
  method: string;
  url: string;
  status: number;
  type: string;
  body: unknown;
};
type Middleware = (ctx: Context, next: () => Promise<void>) => Promise<void>;

/**
 * s3rver 3 answers NotImplemented to ListMultipartUploads and refuses AbortMultipartUpload, though
 * it keeps each upload on disk until completed (`<bucket>/._S3rver_uploads/<uploadId>/key` beside
 * its parts). These two calls, answered from those files, let a test see and abort the uploads a
 * killed put left. Call before `run()`: Koa composes its middleware when it starts listening.
 */
export function addMultipartUploadCalls(server: S3rver, directory: string): void {
  const middleware = (server as unknown as { middleware: Middleware[] }).middleware;
  middleware.unshift(async (ctx, next) => {
    const url = new URL(ctx.url, 'http://s3rver');
    const [bucket, ...key] = url.pathname.split('/').filter((part) => part !== '');
    const uploads = join(directory, bucket, '._S3rver_uploads');
    if (ctx.method === 'GET' && key.length === 0 && url.searchParams.has('uploads')) {
      ctx.status = 200;
      ctx.type = 'application/xml';
      ctx.body = listXml(bucket, await pendingUploads(uploads));
    } else if (ctx.method === 'DELETE' && key.length > 0 && url.searchParams.has('uploadId')) {
      await rm(join(uploads, url.searchParams.get('uploadId')!.replace(/[^0-9a-f]/g, '')), {
        recursive: true,
        force: true,
      });
      ctx.status = 204;
    } else {
      await next();
    }
  });
}

/** Uploads begun and neither completed nor aborted, with when each began. */
export async function pendingUploads(
  uploads: string,
): Promise<{ id: string; key: string; initiated: Date }[]> {
  const ids = await readdir(uploads).catch(() => [] as string[]);
  return Promise.all(
    ids.map(async (id) => ({
      id,
      key: (await readFile(join(uploads, id, 'key'))).toString(),
      initiated: (await stat(join(uploads, id, 'key'))).mtime,
    })),
  );
}

function listXml(bucket: string, uploads: { id: string; key: string; initiated: Date }[]): string {
  const escape = (text: string) =>
    text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const entries = uploads
    .map(
      (u) =>
        `<Upload><Key>${escape(u.key)}</Key><UploadId>${u.id}</UploadId>` +
        `<Initiated>${u.initiated.toISOString()}</Initiated></Upload>`,
    )
    .join('');
  return (
    `<?xml version="1.0" encoding="UTF-8"?>` +
    `<ListMultipartUploadsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">` +
    `<Bucket>${escape(bucket)}</Bucket><IsTruncated>false</IsTruncated>${entries}` +
    `</ListMultipartUploadsResult>`
  );
}
