import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';

/** Swagger UI at /docs and the OpenAPI document at /docs-json. */
export function setupSwagger(app: INestApplication): void {
  const config = new DocumentBuilder()
    .setTitle('Scheduled reports')
    .setDescription(
      'Schedule reports (daily, weekly, monthly or cron, in your time zone), deliver them by ' +
        'email, Slack or webhook, and read their history. Every /api route needs a bearer JWT ' +
        'with `sub`, `org_id`, `roles` and `permissions`; ids of another organization answer 404. ' +
        'Errors are `{ statusCode, error, message, code, request_id }`.',
    )
    .setVersion('1.0')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
    .build();
  const document = SwaggerModule.createDocument(app, config);
  SwaggerModule.setup('docs', app, document, {
    jsonDocumentUrl: 'docs-json',
    useGlobalPrefix: false,
  });
}
