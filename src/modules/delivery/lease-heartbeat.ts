/** A delivery or notice whose attempts stopped this many times without an outcome (it kills its worker) is given up. */
export const MAX_LOST_ATTEMPTS = 3;

/**
 * Renews an attempt's lease every third of its length until stopped, so a slow peer (or a
 * database that is down for a while) never lets the lease lapse under a live attempt. A failed
 * renewal is simply tried again at the next beat.
 */
export function keepLease(renew: () => Promise<unknown>, leaseMs: number): () => void {
  const timer = setInterval(
    () => void renew().catch(() => undefined),
    Math.max(500, Math.floor(leaseMs / 3)),
  );
  return () => clearInterval(timer);
}

/** Waits up to `ms` for a send the backstop gave up on; true when it was accepted after all. */
export async function acceptedLate(inFlight: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const expiry = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  const settled = inFlight.then(
    () => true,
    () => false,
  );
  try {
    return await Promise.race([settled, expiry]);
  } finally {
    clearTimeout(timer);
  }
}
