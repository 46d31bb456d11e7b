import { Module } from '@nestjs/common';
import { MetricsController } from './metrics.controller';
import { MetricsCountersModule } from './metrics-counters.module';
import { MetricsService } from './metrics.service';

@Module({
  imports: [MetricsCountersModule],
  controllers: [MetricsController],
  providers: [MetricsService],
  exports: [MetricsService],
})
export class MetricsModule {}
