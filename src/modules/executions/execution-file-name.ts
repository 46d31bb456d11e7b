import moment from 'moment-timezone';

const CONTENT_TYPES: Record<string, string> = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  pdf: 'application/pdf',
  gz: 'application/gzip',
};

/** The extension of a storage key: `csv`, `xlsx`, `pdf`, or `csv.gz` style double extensions. */
export function fileExtension(fileKey: string): string {
  const name = fileKey.slice(fileKey.lastIndexOf('/') + 1);
  const dot = name.indexOf('.');
  return dot === -1 ? '' : name.slice(dot + 1);
}

export function contentTypeOf(fileKey: string): string {
  const ext = fileExtension(fileKey);
  return CONTENT_TYPES[ext.split('.').pop() ?? ''] ?? 'application/octet-stream';
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
