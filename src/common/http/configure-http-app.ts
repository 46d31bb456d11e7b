import { INestApplication, RequestMethod, ValidationPipe } from '@nestjs/common';
import { AllExceptionsFilter } from 'src/common/errors/all-exceptions.filter';
import { setupSwagger } from 'src/common/swagger/setup-swagger';

/** Routes that live outside /api. */
const UNPREFIXED = [
  { path: 'health', method: RequestMethod.GET },
  { path: 'metrics', method: RequestMethod.GET },
];

/** Everything an HTTP app needs beyond its modules; shared by main.ts and the e2e tests. */
export function configureHttpApp(app: INestApplication): void {
  app.setGlobalPrefix('api', { exclude: UNPREFIXED });
  app.useGlobalPipes(
    new ValidationPipe({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      stopAtFirstError: false,
    }),
  );
  app.useGlobalFilters(new AllExceptionsFilter());
  setupSwagger(app);
}
