import { ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { testAppEnv } from './test-env';
import { untilStarted } from './until-started';

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
    const started = () => this.output.includes('role scheduler started');
    return untilStarted(child, 'scheduler', started, () => this.output, 60_000);
  }

  /** SIGKILL: no shutdown hooks; a tick in progress stops wherever it is. */
  kill(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });
  }
}
