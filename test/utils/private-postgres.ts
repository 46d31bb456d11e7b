import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from 'src/database/data-source-options';
import { freePort } from './free-port';

const BIN_ROOT = '/usr/lib/postgresql';

/**
 * A PostgreSQL server of the test's own (initdb in a temp dir, ~1 s), migrated, that a fault
 * test may stop, kill and restart without touching the server other suites share. As root it
 * runs as the `postgres` user, which initdb requires.
 */
export class PrivatePostgres {
  private dir = '';
  port = 0;

  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/reports`;
  }

  async start(): Promise<void> {
    this.dir = mkdtempSync(join(tmpdir(), 'private-pg-'));
    if (process.getuid?.() === 0) chownSync(this.dir, uidOf('postgres'), gidOf('postgres'));
    this.port = await freePort();
    this.run('initdb', ['-D', this.dataDir, '-A', 'trust', '-U', 'postgres', '--no-sync']);
    this.up();
    execFileSync('psql', [
      ...['-h', '127.0.0.1', '-p', String(this.port), '-U', 'postgres', '-q'],
      ...['-c', 'CREATE DATABASE reports'],
    ]);
    const dataSource = new DataSource(dataSourceOptions(this.url));
    await dataSource.initialize();
    try {
      await dataSource.runMigrations();
    } finally {
      await dataSource.destroy();
    }
  }

  /** `immediate` is a crash as far as clients can tell: connections drop, nothing is flushed. */
  stop(mode: 'fast' | 'immediate' = 'immediate'): void {
    if (this.isUp()) this.run('pg_ctl', ['-D', this.dataDir, 'stop', '-m', mode, '-w']);
  }

  /** Starts it again on the same port (idempotent: safe in a finally). */
  up(): void {
    if (this.isUp()) return;
    const options = [
      `-p ${this.port}`,
      `-k ${this.dir}`,
      '-c listen_addresses=127.0.0.1',
      '-c fsync=off',
      '-c full_page_writes=off',
    ].join(' ');
    this.run('pg_ctl', [
      '-D',
      this.dataDir,
      '-o',
      options,
      '-l',
      join(this.dir, 'log'),
      '-w',
      'start',
    ]);
  }

  restart(): void {
    this.stop('immediate');
    this.up();
  }

  isUp(): boolean {
    try {
      execFileSync('pg_isready', ['-h', '127.0.0.1', '-p', String(this.port), '-q']);
      return true;
    } catch {
      return false;
    }
  }

  destroy(): void {
    if (!this.dir) return;
    try {
      this.stop('immediate');
    } finally {
      rmSync(this.dir, { recursive: true, force: true });
      this.dir = '';
    }
  }

  private get dataDir(): string {
    return join(this.dir, 'data');
  }

  private run(tool: string, args: string[]): void {
    const bin = join(BIN_ROOT, newestVersion(), 'bin', tool);
    if (process.getuid?.() === 0) {
      execFileSync('runuser', ['-u', 'postgres', '--', bin, ...args], { stdio: 'ignore' });
    } else {
      execFileSync(bin, args, { stdio: 'ignore' });
    }
  }
}

function newestVersion(): string {
  if (!existsSync(BIN_ROOT)) throw new Error(`PostgreSQL server binaries not found in ${BIN_ROOT}`);
  return readdirSync(BIN_ROOT).sort((a, b) => Number(b) - Number(a))[0];
}

function uidOf(user: string): number {
  return Number(execFileSync('id', ['-u', user], { encoding: 'utf8' }).trim());
}

function gidOf(user: string): number {
  return Number(execFileSync('id', ['-g', user], { encoding: 'utf8' }).trim());
}
