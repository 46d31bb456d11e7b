import { ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import path from 'node:path';
import { freePort } from './free-port';
import { testAppEnv } from './test-env';
import { untilStarted } from './until-started';

const ROOT = path.resolve(__dirname, '../..');

/** A real worker process (APP_ROLE=worker, or the role `env` names) that a test can SIGKILL. */
export class WorkerProcess {
  private child: ChildProcess | null = null;
  output = '';
  /** Where it serves /health and /metrics (a free port unless `env` sets PORT). */
  port = 0;

  /**
   * Resolves once the process says it started. `timeoutMs` bounds that wait: ts-node compiles
   * the app on each start, which on a loaded CI host (several starting at once) takes minutes.
   */
  async start(env: Record<string, string> = {}, timeoutMs = 60_000): Promise<void> {
    const role = env.APP_ROLE ?? 'worker';
    this.port = env.PORT ? Number(env.PORT) : await freePort();
    const child = spawn(
      process.execPath,
      ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', 'src/main.ts'],
      {
        cwd: ROOT,
        env: {
          ...process.env,
          ...testAppEnv({ APP_ROLE: 'worker', PORT: String(this.port), ...env }),
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    this.child = child;
    child.stdout?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    // `role api: API on …` for the API, `role <role> started …` for the others.
    const started = () =>
      this.output.includes(`role ${role} started`) || this.output.includes(`role ${role}:`);
    return untilStarted(child, role, started, () => this.output, timeoutMs);
  }

  /** SIGKILL: no shutdown hooks, no cleanup, the job is left mid-flight. */
  kill(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      child.once('exit', () => resolve());
      killTree(child, 'SIGKILL');
    });
  }

  /** SIGTERM: the orderly stop. Resolves with how the process ended. */
  terminate(): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) {
      return Promise.resolve({ code: child?.exitCode ?? null, signal: child?.signalCode ?? null });
    }
    return new Promise((resolve) => {
      child.once('exit', (code, signal) => resolve({ code, signal }));
      child.kill('SIGTERM');
    });
  }

  /** SIGSTOP / SIGCONT: a process frozen mid-flight (a long GC pause, a VM stall), then back. */
  freeze(): void {
    this.child?.kill('SIGSTOP');
  }

  thaw(): void {
    this.child?.kill('SIGCONT');
  }

  /** Whether this process has `file` open right now (Linux: its /proc fd table). */
  hasOpen(file: string): boolean {
    const pid = this.child?.pid;
    if (!pid) return false;
    try {
      return readdirSync(`/proc/${pid}/fd`).some((fd) => {
        try {
          return readlinkSync(`/proc/${pid}/fd/${fd}`) === file;
        } catch {
          return false;
        }
      });
    } catch {
      return false;
    }
  }
}

/**
 * Signals the process and everything it started (Chromium runs in a process group of its own),
 * as a crashed container or a systemd unit's stop would: an orphaned browser held the worker's
 * pipes open, so jest never exited, and it kept hundreds of MB for the rest of the suite.
 */
function killTree(child: ChildProcess, signal: NodeJS.Signals): void {
  const pids = child.pid ? [child.pid, ...descendantsOf(child.pid)] : [];
  if (pids.length === 0) child.kill(signal);
  for (const pid of pids) {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}

/** Every live descendant of `pid`, read from /proc before anything is killed (orphans lose it). */
function descendantsOf(pid: number): number[] {
  const parentOf = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      parentOf.set(Number(entry), Number(fields[1]));
    } catch {
      // exited while being read
    }
  }
  const found: number[] = [];
  const frontier = [pid];
  while (frontier.length > 0) {
    const parent = frontier.pop()!;
    for (const [candidate, ppid] of parentOf) {
      if (ppid === parent) {
        found.push(candidate);
        frontier.push(candidate);
      }
    }
  }
  return found;
}
