import Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { RateCounter } from 'src/modules/rate-limits/rate-counter';
import { FakeClock } from 'test/utils/fake-clock';
import { TEST_REDIS_URL } from 'test/utils/test-env';

describe('RateCounter on a real Redis', () => {
  const redis = new Redis(TEST_REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  const clock = new FakeClock(new Date('2026-12-07T14:59:58Z'));
  const counter = new RateCounter(redis, clock);
  afterAll(async () => {
    await redis.quit();
  });

  it('counts hits in a fixed window, says when it ends, and starts over in the next', async () => {
    const name = `test:${randomUUID()}`;
    expect((await counter.hit(name, 3600))?.count).toBe(1);
    const second = await counter.hit(name, 3600);
    expect(second).toMatchObject({ count: 2, retryAfterSeconds: 2 });

    clock.advance(3000);
    expect((await counter.hit(name, 3600))?.count).toBe(1);
  });

  it('takes a refunded hit back', async () => {
    const name = `test:${randomUUID()}`;
    const hit = await counter.hit(name, 3600);
    await hit?.refund();
    expect((await counter.hit(name, 3600))?.count).toBe(1);
  });

  it('counts a member once however often it is counted (a retried delivery)', async () => {
    const name = `test:${randomUUID()}`;
    expect(await counter.countOnce(name, 'd-1', 86_400)).toBe(1);
    expect(await counter.countOnce(name, 'd-1', 86_400)).toBe(1);
    expect(await counter.countOnce(name, 'd-2', 86_400)).toBe(2);
  });

  it('answers null, so the caller lets the action through, when Redis does not answer', async () => {
    const down = new Redis('redis://127.0.0.1:1', {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      enableOfflineQueue: false,
      retryStrategy: () => null,
      connectTimeout: 200,
      // ioredis otherwise keeps the refused socket's timer 2 s after disconnect(), and jest
      // reported the tier as not exiting.
      disconnectTimeout: 0,
    });
    down.on('error', () => undefined);
    const unreachable = new RateCounter(down, clock);
    try {
      expect(await unreachable.hit('x', 60)).toBeNull();
      expect(await unreachable.countOnce('x', 'd', 60)).toBeNull();
    } finally {
      down.disconnect();
    }
  });
});
