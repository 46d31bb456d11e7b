import { Module } from '@nestjs/common';
import { OperationCounters } from './operation-counters';

/** The event counters alone, for the modules that count (no queues, no controller). */
@Module({
  providers: [OperationCounters],
  exports: [OperationCounters],
})
export class MetricsCountersModule {}
