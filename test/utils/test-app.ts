import { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { getDataSourceToken } from '@nestjs/typeorm';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { AppModule } from 'src/app.module';
import { Clock } from 'src/common/clock';
import { configureHttpApp } from 'src/common/http/configure-http-app';
import { AppRole } from 'src/config/app-config';
import { AppConfigService } from 'src/config/app-config.service';
import { testAppEnv } from './test-env';

export interface TestApp {
  app: INestApplication;
  http: () => ReturnType<typeof request>;
  db: DataSource;
  close: () => Promise<void>;
}

export interface TestAppOptions {
  env?: Record<string, string>;
  /** Which parts run; `api` by default. */
  role?: AppRole;
  /** Replaces every module's Clock, so the scheduler sees the time the test sets. */
  clock?: Clock;
}

/** The real AppModule on the real test database and Redis, configured exactly as main.ts does. */
export async function createTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const role = options.role ?? 'api';
  // The app's own configuration, not process.env: apps of one file do not inherit each other's.
  const config = AppConfigService.fromEnv(testAppEnv({ APP_ROLE: role, ...options.env }));
  let builder = Test.createTestingModule({ imports: [AppModule.forRole(role)] })
    .overrideProvider(AppConfigService)
    .useValue(config);
  if (options.clock) builder = builder.overrideProvider(Clock).useValue(options.clock);
  const moduleRef = await builder.compile();
  const app = moduleRef.createNestApplication({ logger: ['error', 'warn'] });
  configureHttpApp(app);
  await app.init();
  const server = app.getHttpServer();
  return {
    app,
    http: () => request(server),
    db: app.get<DataSource>(getDataSourceToken()),
    close: () => app.close(),
  };
}
