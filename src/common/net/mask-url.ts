/**
 * `https://hooks.example.com/services/T0/B0/secret?token=x` → `https://hooks.example.com/…`:
 * enough to tell where a webhook goes, nothing of the secret its path or query often carries.
 */
export function maskUrl(value: string): string {
  try {
    const url = new URL(value);
    return `${url.protocol}//${url.host}/…`;
  } catch {
    return '…';
  }
}
