import { DynamicModule, MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { RequestIdMiddleware } from 'src/common/http/request-id.middleware';
import { LoggingModule } from 'src/common/logging/logging.module';
import { RedisModule } from 'src/common/redis/redis.module';
import { AppRole } from 'src/config/app-config';
import { ConfigModule } from 'src/config/config.module';
import { DatabaseModule } from 'src/database/database.module';
import { AuditModule } from 'src/modules/audit/audit.module';
import { AuthModule } from 'src/modules/auth/auth.module';
import { DeliveryApiModule } from 'src/modules/delivery/delivery-api.module';
import { DeliveryWorkerModule } from 'src/modules/delivery/delivery-worker.module';
import { ExecutionsModule } from 'src/modules/executions/executions.module';
import { GenerationWorkerModule } from 'src/modules/executions/generation/generation-worker.module';
import { GeneratorsModule } from 'src/modules/generators/generators.module';
import { PdfReadinessModule } from 'src/modules/generators/pdf/pdf-readiness.module';
import { HealthModule } from 'src/modules/health/health.module';
import { MetricsModule } from 'src/modules/metrics/metrics.module';
import { OrganizationsModule } from 'src/modules/organizations/organizations.module';
import { PrivacyModule } from 'src/modules/privacy/privacy.module';
import { SchedulerModule } from 'src/modules/scheduler/scheduler.module';
import { SchedulesModule } from 'src/modules/schedules/schedules.module';
import { QueueModule } from 'src/queue/queue.module';

const INFRASTRUCTURE = [ConfigModule, DatabaseModule, RedisModule, QueueModule];
/** Every role answers /health and /metrics (the API through its routes, the others on a probe server). */
const PROBES = [HealthModule, MetricsModule];
const API = [
  AuthModule,
  OrganizationsModule,
  AuditModule,
  GeneratorsModule,
  SchedulesModule,
  ExecutionsModule,
  DeliveryApiModule,
  PrivacyModule,
];
const SCHEDULER = [SchedulerModule];
const WORKER = [GenerationWorkerModule, DeliveryWorkerModule, PdfReadinessModule];

/**
 * The process's modules, chosen by APP_ROLE. Every role loads DeliveryModule (through the API,
 * scheduler or worker modules), so each process can dispatch the domain events it publishes.
 */
@Module({})
export class AppModule implements NestModule {
  /** `jsonLogs`: pino JSON lines (main.ts, per LOG_FORMAT); tests keep Nest's own logger. */
  static forRole(role: AppRole, options: { jsonLogs?: boolean } = {}): DynamicModule {
    const serves = (part: AppRole) => role === 'all' || role === part;
    return {
      module: AppModule,
      imports: [
        ...INFRASTRUCTURE,
        ...PROBES,
        ...(options.jsonLogs ? [LoggingModule] : []),
        ...(serves('api') ? API : []),
        ...(serves('scheduler') ? SCHEDULER : []),
        ...(serves('worker') ? WORKER : []),
      ],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(RequestIdMiddleware).forRoutes('*');
  }
}
