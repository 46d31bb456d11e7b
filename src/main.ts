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
  ] = await Promise.all([
    import('@nestjs/common'),
    import('@nestjs/core'),
    import('./app.module'),
    import('./common/http/configure-http-app'),
    import('./database/run-migrations'),
    import('nestjs-pino'),
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
  // Scheduler and worker roles need no HTTP server.
  const app = await NestFactory.createApplicationContext(modules, options);
  if (jsonLogs) app.useLogger(app.get(PinoLogger));
  app.enableShutdownHooks();
  logger.log(`role ${config.role} started`);
}

const NEST_LEVELS = {
  debug: ['error', 'warn', 'log', 'debug'],
  info: ['error', 'warn', 'log'],
  warn: ['error', 'warn'],
  error: ['error'],
} as const satisfies Record<string, readonly ('error' | 'warn' | 'log' | 'debug')[]>;

void bootstrap();
