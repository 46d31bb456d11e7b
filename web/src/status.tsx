const ICONS: Record<string, string> = {
  completed: '✓',
  sent: '✓',
  failed: '✕',
  bounced: '✕',
  running: '▶',
  pending: '…',
  skipped: '–',
  never: '○',
};

/** A status as an icon and its word: never colour alone. */
export function StatusBadge({ status }: { status: string }) {
  return (
    <span class={`badge badge-${status}`}>
      <span aria-hidden="true">{ICONS[status] ?? '•'}</span>{' '}
      {status === 'never' ? 'not run yet' : status}
    </span>
  );
}
