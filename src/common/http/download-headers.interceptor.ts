import {
  CallHandler,
  ExecutionContext,
  Injectable,
  NestInterceptor,
  StreamableFile,
} from '@nestjs/common';
import type { Response } from 'express';
import { map, type Observable } from 'rxjs';

/**
 * Every file a route streams (downloads through the API or a signed link) is a report of one
 * organization: no cache, shared or private, may keep a copy (`no-store`), and the browser must
 * not guess a type other than the one sent (`nosniff`: a CSV cell of HTML must not render).
 */
@Injectable()
export class DownloadHeadersInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(
      map((result: unknown) => {
        if (result instanceof StreamableFile && context.getType() === 'http') {
          const response = context.switchToHttp().getResponse<Response>();
          response.setHeader('Cache-Control', 'no-store');
          response.setHeader('X-Content-Type-Options', 'nosniff');
        }
        return result;
      }),
    );
  }
}
