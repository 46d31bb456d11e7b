import { ErrorCode } from './error-codes';

/**
 * Base of every error a service throws. Services run in workers too, so they never
 * throw HttpException; the global filter maps `code` to a status.
 */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string | string[],
    readonly details: { retryAfterSeconds?: number; messages?: string[] } = {},
  ) {
    super(Array.isArray(message) ? message.join('; ') : message);
    this.name = new.target.name;
    if (Array.isArray(message)) this.details = { ...details, messages: message };
  }
}

export class ValidationFailedError extends DomainError {
  constructor(messages: string | string[]) {
    super(ErrorCode.VALIDATION_FAILED, Array.isArray(messages) ? messages : [messages]);
  }
}

export class NotFoundError extends DomainError {
  constructor(code: ErrorCode, message: string) {
    super(code, message);
  }
}

export class ForbiddenError extends DomainError {
  constructor(message: string) {
    super(ErrorCode.FORBIDDEN, message);
  }
}

export class ConflictError extends DomainError {
  constructor(message: string, code: ErrorCode = ErrorCode.STATE_CONFLICT) {
    super(code, message);
  }
}

export class RateLimitedError extends DomainError {
  constructor(message: string, retryAfterSeconds: number) {
    super(ErrorCode.RATE_LIMITED, message, { retryAfterSeconds });
  }
}
