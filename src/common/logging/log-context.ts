import { AsyncLocalStorage } from 'node:async_hooks';

/** What a log line is about, beyond the HTTP request: set around each job a worker runs. */
export interface LogContext {
  org_id?: string;
  execution_id?: string;
  delivery_id?: string;
  notice_id?: string;
}

const current = new AsyncLocalStorage<LogContext>();

/** Runs `work` with `fields` on every log line it writes, nested contexts adding theirs. */
export function withLogContext<T>(fields: LogContext, work: () => T): T {
  return current.run({ ...current.getStore(), ...fields }, work);
}

export function currentLogContext(): LogContext | undefined {
  return current.getStore();
}
