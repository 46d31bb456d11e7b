import { ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { testAppEnv } from './test-env';

const ROOT = path.resolve(__dirname, '../..');
const PRELOADS = ['test/utils/preload/fault-tzdata.ts', 'test/utils/preload/skewed-clock.ts'];

export interface SchedulerProcessOptions {
  /** How far this process's clock reads off the real time. */
  clockSkewMs?: number;
  /** A tz data file (test/utils/fault-zone.ts) the process loads as its tz database. */
  tzdataFile?: string;
  env?: Record<string, string>;
}

/** A real scheduler process (APP_ROLE=scheduler) that a test can SIGKILL. */
export class SchedulerProcess {
  private child: ChildProcess | null = null;
  output = '';

  start(options: SchedulerProcessOptions = {}): Promise<void> {
    const child = spawn(
      process.execPath,
      [
        '-r',
        'ts-node/register/transpile-only',
        '-r',
        'tsconfig-paths/register',
        ...PRELOADS.flatMap((file) => ['-r', `./${file}`]),
        'src/main.ts',
      ],
      {
        cwd: ROOT,
        env: {
          ...process.env,
          ...testAppEnv({ APP_ROLE: 'scheduler', ...options.env }),
          FAULT_CLOCK_SKEW_MS: String(options.clockSkewMs ?? 0),
          FAULT_TZDATA_FILE: options.tzdataFile ?? '',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    this.child = child;
    child.stdout?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`scheduler did not start:\n${this.output}`)),
        60_000,
      );
      const check = setInterval(() => {
        if (this.output.includes('role scheduler started')) {
          clearTimeout(timer);
          clearInterval(check);
          resolve();
        }
      }, 100);
      child.once('exit', (code) => {
        clearTimeout(timer);
        clearInterval(check);
        reject(new Error(`scheduler exited with ${code}:\n${this.output}`));
      });
    });
  }

  /** SIGKILL: no shutdown hooks; a tick in progress stops wherever it is. */
  kill(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      child.removeAllListeners('exit');
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });
  }
}
