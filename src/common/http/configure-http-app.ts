import {
  BadRequestException,
  INestApplication,
  RequestMethod,
  ValidationPipe,
} from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';
import { AllExceptionsFilter } from 'src/common/errors/all-exceptions.filter';
import { setupSwagger } from 'src/common/swagger/setup-swagger';
import {
  BODY_LIMIT_BYTES,
  bodyParserErrorToHttp,
  urlProblem,
  verifyFormBody,
  verifyJsonBody,
} from './body-limits';
import { serveConsole } from './console-static';
import { DownloadHeadersInterceptor } from './download-headers.interceptor';
import { securityHeaders } from './security-headers';

/** Routes that live outside /api. */
const UNPREFIXED = [
  { path: 'health', method: RequestMethod.GET },
  { path: 'metrics', method: RequestMethod.GET },
];

/**
 * Everything an HTTP app needs beyond its modules; shared by main.ts and the e2e tests. Must run
 * before `app.init()`/`listen()`: the middleware below is registered in call order, ahead of
 * Nest's own (which then sees the body parsers already in place and adds none of its own).
 */
export function configureHttpApp(app: INestApplication): void {
  const express = app as NestExpressApplication;
  (app.getHttpAdapter().getInstance() as { disable(name: string): void }).disable('x-powered-by');
  express.use(securityHeaders());
  express.use(rejectNulInUrl);
  express.useBodyParser('json', { limit: BODY_LIMIT_BYTES, verify: verifyJsonBody });
  express.useBodyParser('urlencoded', {
    limit: BODY_LIMIT_BYTES,
    extended: true,
    verify: verifyFormBody,
  });
  express.use(mapBodyParserErrors);
  serveConsole(express);

  app.setGlobalPrefix('api', { exclude: UNPREFIXED });
  app.useGlobalPipes(
    new ValidationPipe({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      stopAtFirstError: false,
    }),
  );
  app.useGlobalInterceptors(new DownloadHeadersInterceptor());
  app.useGlobalFilters(new AllExceptionsFilter());
  setupSwagger(app);
}

function rejectNulInUrl(req: Request, _res: Response, next: NextFunction): void {
  const problem = urlProblem(req.originalUrl ?? req.url);
  next(problem ? new BadRequestException(problem) : undefined);
}

/** Passed on to Nest's error handler, and so to the global filter, as HttpExceptions. */
function mapBodyParserErrors(error: unknown, _req: Request, _res: Response, next: NextFunction) {
  next(bodyParserErrorToHttp(error));
}
