import type { Queue } from 'bull';
import type { AppConfigService } from 'src/config/app-config.service';
import { WorkerDrain } from './worker-drain';

function setup(shutdownGraceMs: number) {
  const paused: string[] = [];
  const queue = (name: string) =>
    ({
      pause: async (local: boolean, doNotWaitActive: boolean) => {
        paused.push(`${name} local=${local} wait=${!doNotWaitActive}`);
      },
    }) as unknown as Queue;
  const config = { values: { queue: { shutdownGraceMs } } } as AppConfigService;
  const drain = new WorkerDrain(queue('generation'), queue('delivery'), config);
  return { drain, paused };
}

/** A job that ends when told to, or when `signal` fires (it then hands its run back). */
function job(signal?: AbortSignal) {
  let finish: () => void = () => undefined;
  const done = new Promise<string>((resolve) => {
    finish = () => resolve('finished');
    signal?.addEventListener('abort', () => resolve('handed back'));
  });
  return { done, finish };
}

describe('WorkerDrain', () => {
  it('stops both queues taking jobs in this process, without waiting on them', async () => {
    const { drain, paused } = setup(1000);

    await drain.drain();

    expect(paused).toEqual(['generation local=true wait=false', 'delivery local=true wait=false']);
    expect(drain.stopping).toBe(true);
    expect(drain.handBack.aborted).toBe(false);
  });

  it('lets jobs that finish within the grace period finish, handing nothing back', async () => {
    const { drain } = setup(5000);
    const first = job(drain.handBack);
    const second = job(drain.handBack);
    const results = [drain.track(() => first.done), drain.track(() => second.done)];

    const drained = drain.drain();
    first.finish();
    setTimeout(() => second.finish(), 20);
    await drained;

    expect(await Promise.all(results)).toEqual(['finished', 'finished']);
    expect(drain.handBack.aborted).toBe(false);
  });

  it('hands back what still runs at the deadline, and waits until it has', async () => {
    const { drain } = setup(30);
    const quick = job(drain.handBack);
    const slow = job(drain.handBack);
    const results = [drain.track(() => quick.done), drain.track(() => slow.done)];
    quick.finish();

    await drain.drain();

    expect(drain.handBack.aborted).toBe(true);
    expect(await Promise.all(results)).toEqual(['finished', 'handed back']);
  });

  it('is one drain however many processors ask', async () => {
    const { drain, paused } = setup(10);

    await Promise.all([drain.drain(), drain.drain()]);

    expect(paused).toHaveLength(2);
  });
});
