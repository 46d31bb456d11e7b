import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { BackgroundPass } from 'src/common/background-pass';
import {
  DispatchResult,
  GenerationDispatcher,
} from 'src/modules/executions/dispatch/generation-dispatcher.service';

/** How often waiting runs are looked at: a slot freed by a finished run is filled within this. */
export const DISPATCH_INTERVAL_MS = 1000;

/** Runs the fair-share dispatcher every second in the scheduler role (and after each tick). */
@Injectable()
export class GenerationDispatchPass implements OnModuleDestroy {
  private readonly logger = new Logger(GenerationDispatchPass.name);
  private readonly pass = new BackgroundPass<DispatchResult>(
    this.logger,
    'generation dispatch',
    // Every second would flood the log; the tick logs what it created.
    () => null,
  );

  constructor(private readonly dispatcher: GenerationDispatcher) {}

  onModuleDestroy(): Promise<void> {
    return this.pass.stop();
  }

  @Interval('generation-dispatch', DISPATCH_INTERVAL_MS)
  onInterval(): Promise<void> {
    return this.pass.run(() => this.dispatcher.dispatch());
  }
}
