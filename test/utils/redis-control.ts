import { execFileSync, spawnSync } from 'node:child_process';
import { TEST_REDIS } from './test-env';

// The server TEST_REDIS_URL names, never another one: a suite run against its own Redis must
// not stop the one other suites (or developers) are using.
const TARGET = ['-h', TEST_REDIS.host, '-p', String(TEST_REDIS.port)];
// Through the environment, so redis-cli does not warn about a password on the command line.
const CLI_ENV = TEST_REDIS.password
  ? { ...process.env, REDISCLI_AUTH: TEST_REDIS.password }
  : process.env;

function cli(...args: string[]): string {
  const result = spawnSync('redis-cli', [...TARGET, ...args], { encoding: 'utf8', env: CLI_ENV });
  return (result.stdout ?? '').trim();
}

export function redisIsUp(): boolean {
  return cli('ping') === 'PONG';
}

/** Stops the test Redis (tests that call this must call startRedis in a finally). */
export function stopRedis(): void {
  cli('shutdown', 'nosave');
  for (let i = 0; i < 50 && redisIsUp(); i += 1) execFileSync('sleep', ['0.1']);
  if (redisIsUp()) throw new Error(`Redis on ${TEST_REDIS.host}:${TEST_REDIS.port} did not stop`);
}

/** Starts the test Redis again, on its host and port, the way .ci/run does, if it is not up. */
export function startRedis(): void {
  if (redisIsUp()) return;
  execFileSync('redis-server', [
    '--daemonize',
    'yes',
    '--bind',
    TEST_REDIS.host,
    '--port',
    String(TEST_REDIS.port),
    '--save',
    '',
    '--appendonly',
    'no',
    ...(TEST_REDIS.password ? ['--requirepass', TEST_REDIS.password] : []),
  ]);
  for (let i = 0; i < 100 && !redisIsUp(); i += 1) execFileSync('sleep', ['0.1']);
  if (!redisIsUp())
    throw new Error(`Redis on ${TEST_REDIS.host}:${TEST_REDIS.port} did not come back`);
}
