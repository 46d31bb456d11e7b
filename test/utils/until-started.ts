import { ChildProcess } from 'node:child_process';

/**
 * Resolves once `started()` holds (checked every 100 ms); rejects when the process exits first or
 * `timeoutMs` passes. Every path clears both timers and its exit listener: a poll left running
 * after a start that failed or was killed kept jest from exiting after the fault suite.
 */
export function untilStarted(
  child: ChildProcess,
  label: string,
  started: () => boolean,
  output: () => string,
  timeoutMs: number,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const finish = (error?: Error) => {
      clearTimeout(timer);
      clearInterval(check);
      child.off('exit', onExit);
      if (error) reject(error);
      else resolve();
    };
    const onExit = (code: number | null, signal: NodeJS.Signals | null) =>
      finish(new Error(`${label} exited (${signal ?? code}) before it started:\n${output()}`));
    const timer = setTimeout(
      () => finish(new Error(`${label} did not start within ${timeoutMs} ms:\n${output()}`)),
      timeoutMs,
    );
    const check = setInterval(() => started() && finish(), 100);
    child.once('exit', onExit);
  });
}
