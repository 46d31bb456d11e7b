import { Logger } from '@nestjs/common';
import { BackgroundPass } from './background-pass';

describe('BackgroundPass', () => {
  const logger = new Logger('test');
  beforeEach(() => {
    jest.spyOn(logger, 'log').mockImplementation(() => undefined);
    jest.spyOn(logger, 'warn').mockImplementation(() => undefined);
  });

  it('never overlaps a pass with itself', async () => {
    const pass = new BackgroundPass<number>(logger, 'tick', () => null);
    let runs = 0;
    let release: () => void = () => undefined;
    const slow = () =>
      new Promise<number>((resolve) => {
        runs += 1;
        release = () => resolve(runs);
      });

    const first = pass.run(slow);
    await pass.run(slow);
    release();
    await first;

    expect(runs).toBe(1);
  });

  it('once stopped, starts no pass, and stopping waits for the one under way', async () => {
    const pass = new BackgroundPass<number>(logger, 'tick', () => null);
    const steps: string[] = [];
    let release: () => void = () => undefined;
    const running = pass.run(
      () =>
        new Promise<number>((resolve) => {
          steps.push('claimed');
          release = () => {
            steps.push('committed');
            resolve(1);
          };
        }),
    );

    const stopped = pass.stop().then(() => steps.push('stopped'));
    await pass.run(async () => {
      steps.push('claimed again');
      return 2;
    });
    release();
    await Promise.all([running, stopped]);

    expect(steps).toEqual(['claimed', 'committed', 'stopped']);
  });
});
