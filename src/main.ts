import 'reflect-metadata';
import { readConfigOrExit } from 'src/config/read-config-or-exit';

async function bootstrap(): Promise<void> {
  // Configuration first: a bad variable ends the process before anything else loads.
  // (Relative paths: the build rewrites 'src/...' in static imports only.)
  const config = readConfigOrExit();
  const [
    { ConsoleLogger, Logger },
    { NestFactory },
    { AppModule },
    { configureHttpApp },
    { runMigrations },
    { Logger: PinoLogger },
    { serveProbes },
  ] = await Promise.all([
    import('@nestjs/common'),
    import('@nestjs/core'),
    import('./app.module'),
    import('./common/http/configure-http-app'),
    import('./database/run-migrations'),
    import('nestjs-pino'),
    import('./probe-server'),
  ]);
  const jsonLogs = config.log.format === 'json';
  // Lines written before the app (and its pino logger) exists are JSON too.
  if (jsonLogs) Logger.overrideLogger(new ConsoleLogger({ json: true, colors: false }));
  if (config.migrationsRun) await runMigrations(config.databaseUrl);
  const logger = new Logger('Bootstrap');
  const modules = AppModule.forRole(config.role, { jsonLogs });
  // JSON: pino filters by LOG_LEVEL; text: Nest's logger shows the same levels.
  const options = jsonLogs ? { bufferLogs: true } : { logger: [...NEST_LEVELS[config.log.level]] };

  if (config.role === 'all' || config.role === 'api') {
    const app = await NestFactory.create(modules, options);
    if (jsonLogs) app.useLogger(app.get(PinoLogger));
    configureHttpApp(app);
    app.enableShutdownHooks();
    await app.listen(config.port);
    logger.log(`role ${config.role}: API on http://localhost:${config.port} (docs at /docs)`);
    return;
  }
  // Scheduler and worker roles serve no API, only their own /health and /metrics.
  const app = await NestFactory.createApplicationContext(modules, options);
  if (jsonLogs) app.useLogger(app.get(PinoLogger));
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

const NEST_LEVELS = {
  debug: ['error', 'warn', 'log', 'debug'],
  info: ['error', 'warn', 'log'],
  warn: ['error', 'warn'],
  error: ['error'],
} as const satisfies Record<string, readonly ('error' | 'warn' | 'log' | 'debug')[]>;

void bootstrap();
