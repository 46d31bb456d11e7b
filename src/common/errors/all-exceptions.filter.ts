import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { STATUS_CODES } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { Request, Response } from 'express';
import { DomainError } from './domain-error';
import { ErrorCode } from './error-codes';
import { ERROR_STATUS, STATUS_CODE } from './error-status';
import { serverErrorMessage, UNAUTHENTICATED_MESSAGE } from './public-messages';

interface ErrorBody {
  statusCode: number;
  error: string;
  message: string | string[];
  code: ErrorCode;
  request_id: string;
}

/**
 * Maps every thrown thing to `{ statusCode, error, message, code, request_id }`. Messages of
 * 4xx answers are written for the client and pass through, except a 401's (one message whatever
 * the verifier said); a 5xx says only the request id, under which the details are logged.
 */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('HTTP');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<Request & { id?: string }>();
    const response = http.getResponse<Response>();
    // Errors raised before the request-id middleware ran (body parsing) still get an id.
    const requestId = request.id ?? randomUUID();
    const body = this.toBody(exception, requestId);
    if (response.headersSent) {
      response.end();
      return;
    }
    if (!response.getHeader('X-Request-Id')) response.setHeader('X-Request-Id', requestId);
    if (exception instanceof DomainError && exception.details.retryAfterSeconds !== undefined) {
      response.setHeader('Retry-After', String(exception.details.retryAfterSeconds));
    }
    response.status(body.statusCode).json(body);
  }

  private toBody(exception: unknown, requestId: string): ErrorBody {
    const known = this.known(exception);
    if (!known || known.status >= 500) {
      // Unknown failure, or a 5xx whose words may name hosts, queries or files: log the
      // details under the request id, tell the client only the id.
      this.logger.error(`request ${requestId} failed`, (exception as Error)?.stack ?? exception);
      const status = known?.status ?? 500;
      return {
        statusCode: status,
        error: STATUS_CODES[status] ?? 'Error',
        message: serverErrorMessage(status, requestId),
        code: known?.code ?? ErrorCode.INTERNAL,
        request_id: requestId,
      };
    }
    const { status, code } = known;
    let message = known.message;
    if (status === 401 && message !== UNAUTHENTICATED_MESSAGE) {
      this.logger.warn(`request ${requestId} unauthenticated: ${String(message).slice(0, 300)}`);
      message = UNAUTHENTICATED_MESSAGE;
    }
    return {
      statusCode: status,
      error: STATUS_CODES[status] ?? 'Error',
      message,
      code,
      request_id: requestId,
    };
  }

  private known(
    exception: unknown,
  ): { status: number; code: ErrorCode; message: string | string[] } | null {
    if (exception instanceof DomainError) {
      const status = ERROR_STATUS[exception.code];
      return {
        status,
        code: exception.code,
        message: exception.details.messages ?? exception.message,
      };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const payload = exception.getResponse();
      const message =
        typeof payload === 'object' && payload !== null && 'message' in payload
          ? (payload as { message: string | string[] }).message
          : exception.message;
      return {
        status,
        // Other 4xx Nest raises itself (405, 406, ...) are the request's fault, like a 400.
        code:
          STATUS_CODE[status] ?? (status >= 500 ? ErrorCode.INTERNAL : ErrorCode.VALIDATION_FAILED),
        message,
      };
    }
    return null;
  }
}
