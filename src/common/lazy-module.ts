/**
 * Loads a heavy module on first use instead of at boot. A worker that only ever writes CSV
 * then never pays for exceljs, puppeteer, pdf-lib or the AWS SDK (~30, 22, 14 and 21 MB of
 * RSS), which keeps a CSV run under its memory budget.
 */
export function lazyModule<T>(load: () => T): () => T {
  let loaded: T | undefined;
  return () => (loaded ??= load());
}
