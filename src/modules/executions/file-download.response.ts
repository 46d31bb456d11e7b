import { StreamableFile } from '@nestjs/common';
import type { FileDownload } from './downloads.service';

/** The HTTP form of a download: streamed, with its length, type and a readable name. */
export function fileResponse(file: FileDownload): StreamableFile {
  return new StreamableFile(file.stream, {
    type: file.contentType,
    length: file.size,
    disposition: `attachment; filename="${file.name}"; filename*=UTF-8''${encodeURIComponent(file.name)}`,
  });
}
