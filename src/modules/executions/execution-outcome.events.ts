/**
 * What executions publish (through the outbox) when a run ends; delivery subscribes. Payloads are
 * snake_case JSON, stored with the event, so their fields are only ever added to, never renamed.
 */

/** `execution.completed`: the run's file is stored; its recipients may now be served. */
export interface ExecutionCompleted {
  execution_id: string;
  schedule_id: string;
  rows: number;
  /** SHA-256 of the uncompressed content (only_if_changed compares it). */
  content_sha256: string;
}

/** `execution.failed`: the run ended without a file, for good. */
export interface ExecutionFailed {
  execution_id: string;
  schedule_id: string;
  reason: string;
  /** Set when the run was not generated at all because its schedule was paused or deleted. */
  skipped_reason: string | null;
  /**
   * Set when the run was refused because its creator no longer may run it (left, deactivated,
   * lost the report type's permission): the schedule must pause and the org's admins hear of it.
   * Absent in events stored before it existed.
   */
  access_revoked?: string | null;
}
