import moment from 'moment-timezone';
import { CONTENT_TYPES, OutputFormat } from 'src/domain/vocabulary';

/** The extension of a storage key: `csv`, `xlsx`, `pdf`, or `csv.gz` style double extensions. */
export function fileExtension(fileKey: string): string {
  const name = fileKey.slice(fileKey.lastIndexOf('/') + 1);
  const dot = name.indexOf('.');
  return dot === -1 ? '' : name.slice(dot + 1);
}

export function contentTypeOf(fileKey: string): string {
  const last = fileExtension(fileKey).split('.').pop() ?? '';
  return Object.hasOwn(CONTENT_TYPES, last)
    ? CONTENT_TYPES[last as keyof typeof CONTENT_TYPES]
    : 'application/octet-stream';
}

/** "Weekly invoices" run for 2026-11-30 in New York → weekly-invoices-2026-11-30.csv */
export function downloadFileName(
  scheduleName: string,
  slot: Date,
  timezone: string,
  fileKey: string,
): string {
  const slug =
    scheduleName
      .normalize('NFKD')
      .replace(/[^\w\s-]/g, '')
      .trim()
      .toLowerCase()
      .replace(/[\s_-]+/g, '-')
      .slice(0, 80) || 'report';
  const ext = fileExtension(fileKey);
  return `${slug}-${moment.tz(slot, timezone).format('YYYY-MM-DD')}${ext ? `.${ext}` : ''}`;
}

/**
 * Where one attempt at an execution stores its file:
 * `org/<org>/executions/<execution>-<attempt lease>.<format>[.gz]`. Each attempt has its own key,
 * so an attempt that lost its lease can never overwrite the file of the one that completed.
 */
export function executionFileKey(
  execution: { id: string; organization_id: string },
  format: OutputFormat,
  compress: boolean,
  leaseId: string,
): string {
  const extension = compress ? `${format}.gz` : format;
  return `org/${execution.organization_id}/executions/${execution.id}-${leaseId}.${extension}`;
}
