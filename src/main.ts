import 'reflect-metadata';
import { readConfigOrExit } from 'src/config/read-config-or-exit';

async function bootstrap(): Promise<void> {
  // Configuration first: a bad variable ends the process before anything else loads.
  // (Relative paths: the build rewrites 'src/...' in static imports only.)
  const config = readConfigOrExit();
  const [
    { Logger },
    { NestFactory },
    { AppModule },
    { configureHttpApp },
    { runMigrations },
    { serveProbes },
  ] = await Promise.all([
    import('@nestjs/common'),
    import('@nestjs/core'),
    import('./app.module'),
    import('./common/http/configure-http-app'),
    import('./database/run-migrations'),
    import('./probe-server'),
  ]);
  if (config.migrationsRun) await runMigrations(config.databaseUrl);
  const logger = new Logger('Bootstrap');

  if (config.role === 'all' || config.role === 'api') {
    const app = await NestFactory.create(AppModule.forRole(config.role));
    configureHttpApp(app);
    app.enableShutdownHooks();
    await app.listen(config.port);
    logger.log(`role ${config.role}: API on http://localhost:${config.port} (docs at /docs)`);
    return;
  }
  // Scheduler and worker roles serve no API, only their own /health and /metrics.
  const app = await NestFactory.createApplicationContext(AppModule.forRole(config.role));
  app.enableShutdownHooks();
  try {
    // Unref'd: the probe server never keeps a process alive that is shutting down.
    (await serveProbes(app, config.port)).unref();
  } catch (error) {
    // The work matters more than its probes: an orchestrator sees the missing endpoint.
    logger.error(`no /health or /metrics: port ${config.port}: ${(error as Error).message}`);
  }
  logger.log(`role ${config.role} started (/health and /metrics on port ${config.port})`);
}

void bootstrap();
