import { StreamableFile } from '@nestjs/common';
import type { FileDownload } from './downloads.service';

/**
 * The HTTP form of a download: streamed, with its length, type and a readable name.
 * `Cache-Control: no-store` and `X-Content-Type-Options: nosniff` are added to every streamed
 * file by the HTTP layer (DownloadHeadersInterceptor).
 */
export function fileResponse(file: FileDownload): StreamableFile {
  return new StreamableFile(file.stream, {
    type: file.contentType,
    length: file.size,
    disposition: `attachment; filename="${quotable(file.name)}"; filename*=UTF-8''${encodeURIComponent(file.name)}`,
  });
}

/** The plain `filename=` fallback: printable ASCII without the quote and backslash it sits in. */
function quotable(name: string): string {
  return name.replace(/[^\x20-\x7e]|["\\]/g, '_');
}
