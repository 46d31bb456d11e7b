import { INestApplication, INestApplicationContext } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';

/** Stops the scheduler's own 5-second tick so a test decides when ticks happen. */
export function useManualTicks(app: INestApplication | INestApplicationContext): void {
  app.get(SchedulerRegistry).getCronJob('scheduler-tick').stop();
}
