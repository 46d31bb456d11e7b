import type { TestApp } from './test-app';
import { waitFor } from './wait-for';

export interface DeliveryRow {
  id: string;
  recipient_type: string;
  recipient_value: string;
  status: string;
  attempts: number;
  error_message: string | null;
  metadata: Record<string, unknown>;
}

/**
 * The execution's deliveries once none is open any more (`pending`, or `unknown` awaiting its
 * resend), or once `until` says so.
 */
export function settledDeliveries(
  t: TestApp,
  executionId: string,
  until: (rows: DeliveryRow[]) => boolean = (rows) =>
    rows.length > 0 && rows.every((r) => r.status !== 'pending' && r.status !== 'unknown'),
  timeoutMs = 30_000,
): Promise<DeliveryRow[]> {
  return waitFor(
    `deliveries of ${executionId} to settle`,
    async () => {
      const rows: DeliveryRow[] = await t.db.query(
        `SELECT id, recipient_type, recipient_value, status, attempts, error_message, metadata
           FROM report_deliveries WHERE report_execution_id = $1
          ORDER BY recipient_type, recipient_value`,
        [executionId],
      );
      return until(rows) && rows;
    },
    timeoutMs,
  );
}
