import { execFileSync, spawnSync } from 'node:child_process';

const PORT = '6379';

export function redisIsUp(): boolean {
  return (
    spawnSync('redis-cli', ['-p', PORT, 'ping'], { encoding: 'utf8' }).stdout.trim() === 'PONG'
  );
}

/** Stops the shared Redis (tests that call this must call startRedis in a finally). */
export function stopRedis(): void {
  spawnSync('redis-cli', ['-p', PORT, 'shutdown', 'nosave'], { encoding: 'utf8' });
  for (let i = 0; i < 50 && redisIsUp(); i += 1) execFileSync('sleep', ['0.1']);
}

/** Starts Redis the way the machine and .ci/run do, if it is not already up. */
export function startRedis(): void {
  if (redisIsUp()) return;
  execFileSync('redis-server', [
    '--daemonize',
    'yes',
    '--bind',
    '127.0.0.1',
    '--port',
    PORT,
    '--save',
    '',
    '--appendonly',
    'no',
  ]);
  for (let i = 0; i < 100 && !redisIsUp(); i += 1) execFileSync('sleep', ['0.1']);
  if (!redisIsUp()) throw new Error('Redis did not come back');
}
