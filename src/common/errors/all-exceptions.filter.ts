import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { STATUS_CODES } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { Request, Response } from 'express';
import { DomainError } from './domain-error';
import { ErrorCode } from './error-codes';
import { ERROR_STATUS, STATUS_CODE } from './error-status';

interface ErrorBody {
  statusCode: number;
  error: string;
  message: string | string[];
  code: ErrorCode;
  request_id: string;
}

/** Maps every thrown thing to `{ statusCode, error, message, code, request_id }`. */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('HTTP');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<Request & { id?: string }>();
    const response = http.getResponse<Response>();
    const requestId = request.id ?? randomUUID();
    const body = this.toBody(exception, requestId);
    if (exception instanceof DomainError && exception.details.retryAfterSeconds !== undefined) {
      response.setHeader('Retry-After', String(exception.details.retryAfterSeconds));
    }
    if (response.headersSent) {
      response.end();
      return;
    }
    response.status(body.statusCode).json(body);
  }

  private toBody(exception: unknown, requestId: string): ErrorBody {
    if (exception instanceof DomainError) {
      const status = ERROR_STATUS[exception.code];
      return {
        statusCode: status,
        error: STATUS_CODES[status] ?? 'Error',
        message: exception.details.messages ?? exception.message,
        code: exception.code,
        request_id: requestId,
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
        statusCode: status,
        error: STATUS_CODES[status] ?? 'Error',
        message,
        code: STATUS_CODE[status] ?? ErrorCode.INTERNAL,
        request_id: requestId,
      };
    }
    // Unknown failure: log the stack under the request id, tell the client only the id.
    this.logger.error(`request ${requestId} failed`, (exception as Error)?.stack ?? exception);
    return {
      statusCode: 500,
      error: 'Internal Server Error',
      message: `Internal error; quote request id ${requestId}`,
      code: ErrorCode.INTERNAL,
      request_id: requestId,
    };
  }
}
